// A proxy file's problems affect only that proxy: whatever is wrong with one file (aliases,
// depth, size, encoding, not a file at all, a broken symlink, no permission), it is listed
// invalid with the reason, the others start, reload and are edited normally, and `routex check`
// names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_KEY, CLI, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { waitFor } from '../helpers/wait-for.js';
import { ALIAS_BOMB } from '../helpers/hostile-input.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';

function routexCheck(globalFile: string, proxiesDir: string, asUser?: string): { status: number | null; stderr: string } {
  const command = [process.execPath, CLI, 'check', '--config', globalFile, '--proxies', proxiesDir];
  if (asUser !== undefined) command.unshift('setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups');
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stderr: result.stderr };
}

async function invalidReason(sup: SupervisorProcess, name: string): Promise<string> {
  const proxy = await sup.waitForProxy(name, 'listed invalid', (p) => p.state === 'invalid');
  return (proxy.config_errors as { message: string }[]).map((e) => e.message).join('; ');
}

test('an alias-bomb file is listed invalid; every other proxy starts, reloads and is edited; routex check names it', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [portA, portC] = [await freePort(), await freePort()];
  const yamlA = proxyYaml({ name: 'a', originPorts: [portA], destPorts: [backend.port] });
  assert.ok(ALIAS_BOMB.length < 600);
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': yamlA, 'bomb.yaml': ALIAS_BOMB }, waitForRunning: ['a'] });
  t.after(() => sup.stop());

  const started = await waitFor('routex started', () => sup.logs.find((l) => l['message'] === 'routex started'));
  assert.deepEqual([started['proxies'], started['invalid']], [1, 1]);
  assert.match(await invalidReason(sup, 'bomb'), /more than 100 aliases/);

  const reload = await sup.api('POST', '/api/reload', { key: ADMIN_KEY });
  assert.equal(reload.status, 200);
  assert.deepEqual(reload.body.failed.map((f: { file: string }) => path.basename(f.file)), ['bomb.yaml']);
  assert.match(reload.body.failed[0].errors[0].message, /aliases/);

  sup.writeProxy('a.yaml', `${yamlA}description: "edited"\n`);
  await sup.waitForProxy('a', 'the edit applied', (p) => p.description === 'edited' && p.state === 'running');
  sup.writeProxy('c.yaml', proxyYaml({ name: 'c', originPorts: [portC], destPorts: [backend.port] }));
  await sup.waitForState('c', 'running');

  const check = routexCheck(sup.globalFile, sup.proxiesDir);
  t.diagnostic(`routex check: ${check.stderr.trim()}`);
  assert.equal(check.status, 1);
  assert.match(check.stderr, /bomb\.yaml: .*more than 100 aliases/);
  assert.doesNotMatch(check.stderr, /cannot (read|list) the proxies folder/);

  sup.writeProxy('a.yaml', ALIAS_BOMB);
  await sup.waitForProxy('a', 'its file listed invalid, the last good config running', (p) => p.config_errors.length > 0 && p.pid !== undefined);
  const disable = await sup.api('POST', '/api/proxies/a/disable', { key: ADMIN_KEY });
  assert.equal(disable.status, 409, disable.text);
  assert.equal(disable.body.error.code, 'ERR_PROXY_FILE_INVALID');
  const replace = await sup.api('PUT', '/api/proxies/a', { key: ADMIN_KEY, rawBody: yamlA, contentType: 'application/yaml' });
  assert.equal(replace.status, 200, replace.text);
  await sup.waitForProxy('a', 'the file replaced through the API', (p) => p.config_errors.length === 0 && p.state === 'running');
});

test('every way a file fails to read or parse makes only that file invalid, with the reason', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const yamlA = proxyYaml({ name: 'a', originPorts: [await freePort()], destPorts: [backend.port] });
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': yamlA }, waitForRunning: ['a'] });
  t.after(() => sup.stop());
  const dir = sup.proxiesDir;
  const expected: Record<string, RegExp> = {
    deep: /nests deeper than 32 levels/,
    'deep-block': /nests deeper than 32 levels/,
    keys: /this mapping has more than 1000 keys/,
    big: /more than the 4194304 a config file may have/,
    latin1: /not UTF-8 text/,
    nul: /not text: .*U\+0000/,
    folder: /is a directory, not a file/,
    fifo: /is not a regular file/,
    dangling: /broken symlink: .*missing\.yaml does not exist/,
    loop: /symlink loop/,
    'to-folder': /symlink to .* which is not a regular file/,
  };
  writeFileSync(path.join(dir, 'deep.yaml'), `name: deep\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  writeFileSync(path.join(dir, 'deep-block.yaml'), Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n');
  writeFileSync(path.join(dir, 'keys.yaml'), Array.from({ length: 1500 }, (_, i) => `k${i}: ${i}`).join('\n'));
  writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
  writeFileSync(path.join(dir, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
  writeFileSync(path.join(dir, 'nul.yaml'), 'name: a\u0000b\n');
  mkdirSync(path.join(dir, 'folder.yaml'));
  execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
  symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));
  symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
  symlinkSync(sup.dir, path.join(dir, 'to-folder.yaml'));

  for (const [name, reason] of Object.entries(expected)) assert.match(await invalidReason(sup, name), reason, name);
  sup.writeProxy('a.yaml', `${yamlA}description: "still watched"\n`);
  await sup.waitForProxy('a', 'the edit applied', (p) => p.description === 'still watched' && p.state === 'running');

  const check = routexCheck(sup.globalFile, dir);
  assert.equal(check.status, 1);
  for (const [name, reason] of Object.entries(expected)) {
    const line = check.stderr.split('\n').find((l) => l.includes(`${name}.yaml: `));
    assert.ok(line, `routex check names ${name}.yaml:\n${check.stderr}`);
    assert.match(line, reason);
  }
});

const NO_SETPRIV = missingTool('setpriv', 'util-linux');

test('routex check as an unprivileged user names a file it may not read, and checks the others', { skip: skipOutsideCi(NO_SETPRIV) }, (t) => {
  failOnMissing(NO_SETPRIV);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-perm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'proxies'), { mode: 0o755 });
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\n', { mode: 0o644 });
  writeFileSync(path.join(dir, 'proxies', 'ok.yaml'), proxyYaml({ name: 'ok', originPorts: [30001], destPorts: [40001] }), { mode: 0o644 });
  writeFileSync(path.join(dir, 'proxies', 'secret.yaml'), proxyYaml({ name: 'secret', originPorts: [30002], destPorts: [40002] }), { mode: 0o000 });
  const check = routexCheck(path.join(dir, 'global.yaml'), path.join(dir, 'proxies'), '65534');
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stderr, /secret\.yaml: cannot read file \(EACCES\)/);
  assert.doesNotMatch(check.stderr, /ok\.yaml/);
});

test('a file\'s problems are logged once per content, short and escaped: a 1 MB binary file and reloads', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': proxyYaml({ name: 'a', originPorts: [await freePort()], destPorts: [backend.port] }) }, waitForRunning: ['a'] });
  t.after(() => sup.stop());
  const rejected = (file: string): Record<string, unknown>[] => sup.logs.filter((l) => l['message'] === 'config rejected' && String(l['file']).endsWith(file));

  writeFileSync(path.join(sup.proxiesDir, 'binary.yaml'), randomBytes(1024 * 1024));
  await invalidReason(sup, 'binary');
  for (let i = 0; i < 3; i++) assert.equal((await sup.api('POST', '/api/reload', { key: ADMIN_KEY })).status, 200);
  await waitFor('three reloads logged', () => sup.logs.filter((l) => l['message'] === 'config reloaded' && l['reason'] === 'api').length >= 3);
  assert.equal(rejected('binary.yaml').length, 1, 'logged once, not once per reload');
  assert.match(String(rejected('binary.yaml')[0]!['problem']), /binary\.yaml: the file is not (UTF-8 )?text/);
  const aboutBinary = sup.logLines.filter((l) => l.includes('binary.yaml'));
  const bytes = aboutBinary.reduce((sum, l) => sum + l.length, 0);
  t.diagnostic(`a 1 MB binary file and 3 reloads: ${aboutBinary.length} log line(s), ${bytes} bytes, about it: ${aboutBinary.join(' | ').slice(0, 600)}`);
  assert.ok(bytes < 4096, `${bytes} bytes of log about binary.yaml`);

  writeFileSync(path.join(sup.proxiesDir, 'binary.yaml'), randomBytes(1024 * 1024));
  await waitFor('the new content logged', () => rejected('binary.yaml').length === 2);

  sup.writeProxy('esc.yaml', proxyYaml({ name: 'esc', originPorts: [1], destPorts: [2], destIps: '\\e[31mred' }));
  const [line] = await waitFor('esc.yaml rejected', () => (rejected('esc.yaml').length > 0 ? rejected('esc.yaml') : undefined));
  assert.match(String(line!['problem']), /"\\u001b\[31mred" is not an IPv4 or IPv6 address/);
  assert.ok(!String(line!['problem']).includes('\u001b'), 'no raw escape character in the log');
});
