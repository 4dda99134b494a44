// Issue 21, item 4: without a cluster block, or with `cluster.enabled: false`, the supervisor
// and its workers never load a Redis client (seen by a module hook in the real processes), and
// everything behaves as on a single node: bans without a node, no cluster in /api/system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_KEY, CLI, METRICS_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { tcpRoundTrip, TcpClient } from '../helpers/tcp-client.js';
import { isRedisModule, moduleLogEnv } from '../helpers/cluster-nodes.js';

const DISABLED_BLOCK = `cluster:
  enabled: false
  node_id: "edge-1"
  redis:
    url: "redis://127.0.0.1:1/0"
`;

for (const [what, globalExtra] of [
  ['no cluster block', ''],
  ['cluster.enabled: false', DISABLED_BLOCK],
] as const) {
  test(`${what}: no Redis module is loaded, bans and quotas work as on one node`, async (t) => {
    const backend = await startTcpBackend();
    t.after(() => backend.close());
    const port = await freePort();
    const modules = moduleLogEnv(t);
    const sup = await SupervisorProcess.start({
      globalExtra,
      proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: 'bandwidth:\n  scope: node\n' }) },
      waitForRunning: ['p'],
      env: modules.env,
    });
    t.after(() => sup.stop());

    assert.equal((await tcpRoundTrip(port, 'hello', 5)).toString(), 'hello');
    const ban = await sup.api('POST', '/api/l7/banned/127.0.0.6', { key: ADMIN_KEY });
    assert.equal(ban.body.ban.node, null);
    const refused = await TcpClient.connect(port, { localAddress: '127.0.0.6' });
    await refused.waitClosed(1000);
    const system = (await sup.api('GET', '/api/system', { key: ADMIN_KEY })).body;
    assert.deepEqual(system.cluster, { enabled: false });
    assert.equal(system.features.cluster, false);
    assert.equal((await sup.api('GET', '/metrics?format=json', { key: METRICS_KEY })).body.cluster_connected, 0);
    assert.equal((await sup.api('GET', '/api/bandwidth/proxy/p', { key: METRICS_KEY })).body.scope, 'node');

    const loaded = modules.modules();
    assert.ok(loaded.some((url) => url.endsWith('/supervisor/supervisor.js')), 'the hook saw the supervisor load its modules');
    assert.ok(loaded.some((url) => url.endsWith('/proxy-worker/main.js')), 'and the worker');
    assert.deepEqual(loaded.filter(isRedisModule), []);
    assert.deepEqual(loaded.filter((url) => url.includes('/supervisor/cluster/')), [], 'nor RouteX\'s own cluster code');
  });
}

test('bandwidth.scope: cluster without a cluster is a config error that names the fix', async (t) => {
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'q.yaml': proxyYaml({ name: 'q', originPorts: [port], destPorts: [port], extra: 'bandwidth:\n  scope: cluster\n' }) },
  });
  t.after(() => sup.stop());
  const proxy = await sup.waitForState('q', 'invalid');
  assert.match(JSON.stringify(proxy.config_errors), /bandwidth\.scope.*cluster\.enabled: true/);
});

test('a cluster whose password_file cannot be read stops the start with exit 1, naming the field', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-cluster-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'logging:\n  format: json\ncluster:\n  enabled: true\n  redis:\n    url: "redis://127.0.0.1:1"\n    password_file: "missing.pass"\n');
  const result = spawnSync(process.execPath, [CLI, '--config', path.join(dir, 'global.yaml'), '--proxies', path.join(dir, 'proxies')], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.status, 1);
  assert.match(result.stdout, /"error":"cluster\.redis\.password_file: cannot read [^"]*missing\.pass \(ENOENT\)","level":"error","message":"startup failed"/);
});
