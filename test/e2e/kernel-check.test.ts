// routex check and data_path: kernel: settings the kernel path cannot honour are errors naming the
// field; a host that cannot run it (no nft, no permission) is named too, before anything starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CLI } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';

const NOBODY = 65_534;
const PROXY = 'name: k\ndata_path: kernel\norigin-ip: "127.0.0.1"\norigin-port: 30000\ndest-ip: "10.0.0.1"\ndest-port: 40000\nprotocol: tcp\n';

function configDir(t: TestContext, proxy: string, owner?: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-kcheck-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\n');
  writeFileSync(path.join(dir, 'proxies', 'k.yaml'), proxy);
  if (owner !== undefined) for (const entry of [dir, path.join(dir, 'global.yaml'), path.join(dir, 'proxies'), path.join(dir, 'proxies', 'k.yaml')]) chownSync(entry, owner, owner);
  return dir;
}

function check(dir: string, options: { env?: Record<string, string>; prefix?: string[] } = {}) {
  const command = [...(options.prefix ?? []), process.execPath, CLI, 'check', '--config', path.join(dir, 'global.yaml')];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...options.env } });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('routex check with data_path: kernel', () => {
  for (const [what, extra, field] of [
    ['least-conn', 'load_balancing:\n  algorithm: least-conn\n', 'load_balancing.algorithm'],
    ['L7 protection', 'l7_protection:\n  enabled: true\n', 'l7_protection.enabled'],
    ['PROXY protocol send', 'proxy_protocol:\n  send:\n    tcp: v2\n', 'proxy_protocol.send.tcp'],
  ] as const) {
    it(`${what} fails the check, naming ${field}`, (t) => {
      const result = check(configDir(t, PROXY + extra));
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`k\\.yaml: ${field.replace(/\./g, '\\.')}: cannot be used with data_path: kernel: `));
    });
  }

  it('without nft on the PATH, names the binary and its package', (t) => {
    const result = check(configDir(t, PROXY), { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /k\.yaml: data_path: kernel forwarding cannot run here: nft is not installed \(apt-get install nftables\)/);
  });

  const unprivileged = skipOutsideCi(process.getuid?.() !== 0 ? 'needs root to switch to an unprivileged user' : missingTool('setpriv', 'util-linux') || missingTool('nft', 'nftables'));
  it('run without root or CAP_NET_ADMIN, says that is what it needs', { skip: unprivileged }, (t) => {
    failOnMissing(unprivileged);
    const dir = configDir(t, PROXY, NOBODY);
    const result = check(dir, { prefix: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'] });
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stderr, /k\.yaml: data_path: kernel forwarding cannot run here: nft failed .*data_path: kernel needs root or CAP_NET_ADMIN/);
  });
});
