// Drop-in proxy files linked from elsewhere, as with nginx's sites-enabled: a symlink to a
// regular file is followed, and edits of its target (in place or by an editor's rename) apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { tcpRoundTrip } from '../helpers/tcp-client.js';

test('a symlinked proxy file starts its proxy and follows edits of its target, in place and by rename', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());
  const available = path.join(sup.dir, 'available');
  mkdirSync(available);
  const target = path.join(available, 'x.yaml');
  const port = await freePort();
  const yaml = proxyYaml({ name: 'x', originPorts: [port], destPorts: [backend.port] });
  writeFileSync(target, yaml);
  symlinkSync('../available/x.yaml', path.join(sup.proxiesDir, 'x.yaml'));
  await sup.waitForState('x', 'running');
  assert.equal((await tcpRoundTrip(port, 'through the link', 16)).toString(), 'through the link');

  writeFileSync(target, `${yaml}description: "edited in place"\n`);
  await sup.waitForProxy('x', 'the in-place edit', (p) => p.description === 'edited in place');
  const temp = path.join(available, '.x.yaml.swp');
  writeFileSync(temp, `${yaml}description: "saved by rename"\n`);
  renameSync(temp, target);
  await sup.waitForProxy('x', 'the rename', (p) => p.description === 'saved by rename');
  writeFileSync(target, `${yaml}description: "edited again"\n`);
  await sup.waitForProxy('x', 'an edit of the renamed target', (p) => p.description === 'edited again' && p.state === 'running');

  symlinkSync('../available/nope.yaml', path.join(sup.proxiesDir, 'y.yaml'));
  const y = await sup.waitForProxy('y', 'listed invalid', (p) => p.state === 'invalid');
  assert.match(y.config_errors[0].message, /broken symlink: \.\.\/available\/nope\.yaml does not exist/);
  const check = spawnSync(process.execPath, [CLI, 'check', '--config', sup.globalFile], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(check.status, 1);
  assert.match(check.stderr, /y\.yaml: is a broken symlink/);
  assert.doesNotMatch(check.stderr, /x\.yaml/);
});
