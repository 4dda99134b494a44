import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { freePort, freePortRange } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { openFdCount } from '../helpers/processes.js';

const INTERVAL_MS = 300;
const FAILURES = 3;
const PASSES = 2;
const HEALTH = `load_balancing:
  algorithm: "round-robin"
  health_check:
    interval: ${INTERVAL_MS}ms
    timeout: 150ms
    failures_before_eject: ${FAILURES}
    passes_before_readmit: ${PASSES}
`;

/** Which backend answers a new connection ("" when the proxy closes it without data). */
async function servedBy(port: number): Promise<string> {
  const client = await TcpClient.connect(port);
  try {
    await client.waitForText('\n', 2000).catch(() => undefined);
    return client.received.toString().trim();
  } finally {
    client.destroy();
  }
}

async function spread(port: number, n = 8): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(await servedBy(port));
  return seen;
}

async function twoBackends(t: { after: (fn: () => unknown) => void }) {
  const backendPort = await freePort();
  const backends: Record<string, TcpBackend> = {
    a: await startTcpBackend({ host: '127.0.0.1', port: backendPort, greeting: 'a\n' }),
    b: await startTcpBackend({ host: '127.0.0.2', port: backendPort, greeting: 'b\n' }),
  };
  t.after(() => Promise.all(Object.values(backends).map((b) => b.close())));
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backendPort], destIps: '127.0.0.1, 127.0.0.2', extra: HEALTH }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  return { sup, port, backendPort, backends };
}

test('a stopped backend is ejected within interval × failures (+1 interval), and readmitted after it returns', async (t) => {
  const { sup, port, backendPort, backends } = await twoBackends(t);
  assert.deepEqual([...(await spread(port))].sort(), ['a', 'b']);

  await backends.b!.close();
  const stoppedAt = Date.now();
  await waitFor('b to be ejected', async () => {
    const upstreams = (await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[];
    return upstreams.find((u) => u.ip === '127.0.0.2')?.healthy === false;
  }, { timeoutMs: 5000, intervalMs: 20 });
  const ejectMs = Date.now() - stoppedAt;
  assert.ok(ejectMs <= INTERVAL_MS * FAILURES + INTERVAL_MS + 100, `ejected after ${ejectMs} ms`);
  assert.deepEqual([...(await spread(port, 10))], ['a']);
  const logged = sup.logs.find((l) => l.message === 'upstream ejected');
  assert.equal(logged?.proxy, 'p');
  assert.equal(logged?.upstream, `127.0.0.2:${backendPort}`);

  backends.b = await startTcpBackend({ host: '127.0.0.2', port: backendPort, greeting: 'b\n' });
  const restartedAt = Date.now();
  await waitFor('b to be readmitted', async () => (await spread(port, 4)).has('b'), { timeoutMs: 5000, intervalMs: 50 });
  assert.ok(Date.now() - restartedAt <= INTERVAL_MS * (PASSES + 1) + 400);
  const upstreams = (await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[];
  const b = upstreams.find((u) => u.ip === '127.0.0.2');
  assert.equal(b.healthy, true);
  assert.ok(b.consecutive_passes >= PASSES);
  assert.equal(typeof b.last_probe_latency_ms, 'number');
  assert.ok(Date.parse(b.last_probe_at) > restartedAt - 1000);
});

test('with every backend down, clients are closed at once instead of hanging', async (t) => {
  const { sup, port, backends } = await twoBackends(t);
  await Promise.all([backends.a!.close(), backends.b!.close()]);
  await waitFor('both to be ejected', async () => {
    const upstreams = (await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[];
    return upstreams.every((u) => !u.healthy);
  });
  const startedAt = Date.now();
  const client = await TcpClient.connect(port);
  await client.waitClosed(1000);
  assert.ok(Date.now() - startedAt < 500);
  assert.equal(client.received.length, 0);
  const proxy = await sup.waitForProxy('p', 'the refusal counted', (p) => p.no_healthy_upstream_total >= 1, 3000);
  assert.ok(proxy.no_healthy_upstream_total >= 1);
  assert.ok(sup.logs.some((l) => l.message === 'no healthy upstream, connection refused' && l.proxy === 'p'));
});

test('a manual eject moves traffic away and holds while probes pass; readmit brings it back', async (t) => {
  const { sup, port, backendPort } = await twoBackends(t);
  const forbidden = await sup.api('POST', '/api/proxies/p/upstreams/127.0.0.2/eject', { key: READ_KEY });
  assert.equal(forbidden.status, 403);

  const ejected = await sup.api('POST', '/api/proxies/p/upstreams/127.0.0.2/eject', { key: ADMIN_KEY });
  assert.equal(ejected.status, 200);
  assert.deepEqual(ejected.body, { status: 'ejected', targets_affected: 1 });
  assert.deepEqual([...(await spread(port))], ['a']);
  const before = ((await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[]).find((u) => u.ip === '127.0.0.2');
  await waitFor('several passing probes', async () => {
    const b = ((await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[]).find((u) => u.ip === '127.0.0.2');
    return b.consecutive_passes >= before.consecutive_passes + 3 ? b : undefined;
  }, { timeoutMs: 5000 });
  const held = ((await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[]).find((u) => u.ip === '127.0.0.2');
  assert.equal(held.healthy, false);
  assert.equal(held.probe_healthy, true);
  assert.equal(held.manual_state, 'ejected');
  assert.deepEqual([...(await spread(port))], ['a']);

  const readmitted = await sup.api('POST', `/api/proxies/p/upstreams/127.0.0.2:${backendPort}/readmit`, { key: ADMIN_KEY });
  assert.deepEqual(readmitted.body, { status: 'readmitted', targets_affected: 1 });
  assert.deepEqual([...(await spread(port))].sort(), ['a', 'b']);
});

test('health and manual state survive an in-place reconfigure that keeps the upstream', async (t) => {
  const { sup, port, backendPort } = await twoBackends(t);
  const pid = (await sup.proxy('p')).pid;
  await sup.api('POST', '/api/proxies/p/upstreams/127.0.0.2/eject', { key: ADMIN_KEY });
  sup.writeProxy(
    'p.yaml',
    proxyYaml({ name: 'p', originPorts: [port], destPorts: [backendPort], destIps: '127.0.0.1, 127.0.0.2', extra: HEALTH + 'timeouts:\n  client_read: 10s\n' }),
  );
  await waitFor('the reconfigure', () => sup.logs.find((l) => l.message === 'config reloaded' && (l.reconfigured as string[]).includes('p')));
  assert.equal((await sup.proxy('p')).pid, pid);
  const b = ((await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as any[]).find((u) => u.ip === '127.0.0.2');
  assert.equal(b.manual_state, 'ejected');
  assert.deepEqual([...(await spread(port))], ['a']);
});

test('eject/readmit answer 404 for an unknown proxy and 400 for a malformed upstream', async (t) => {
  const { sup } = await twoBackends(t);
  assert.equal((await sup.api('POST', '/api/proxies/nope/upstreams/127.0.0.1/eject', { key: ADMIN_KEY })).status, 404);
  const bad = await sup.api('POST', '/api/proxies/p/upstreams/not-an-ip/eject', { key: ADMIN_KEY });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'ERR_INVALID_UPSTREAM');
  const none = await sup.api('POST', '/api/proxies/p/upstreams/127.0.0.9/eject', { key: ADMIN_KEY });
  assert.deepEqual(none.body, { status: 'ejected', targets_affected: 0 });
});

test('one-to-one with two dest IPs: origin port i only ever reaches dest port i, on both IPs', async (t) => {
  const destPorts = await freePortRange(3);
  const hosts = ['127.0.0.1', '127.0.0.2'];
  const backends = await Promise.all(hosts.flatMap((host) => destPorts.map((port) => startTcpBackend({ host, port, greeting: `${host}:${port}\n` }))));
  t.after(() => Promise.all(backends.map((b) => b.close())));
  const originPorts = await freePortRange(3);
  const sup = await SupervisorProcess.start({
    proxies: { 'm.yaml': proxyYaml({ name: 'm', originPorts, destPorts, destIps: hosts.join(', '), oneToOne: true, extra: 'load_balancing:\n  algorithm: "least-conn"\n  health_check:\n    interval: 200ms\n    timeout: 100ms\n' }) },
    waitForRunning: ['m'],
  });
  t.after(() => sup.stop());
  for (let i = 0; i < 3; i++) {
    const seen = await spread(originPorts[i]!, 8);
    assert.deepEqual([...seen].sort(), hosts.map((h) => `${h}:${destPorts[i]}`), `origin port ${originPorts[i]}`);
  }
  // A dead upstream behind one port must not affect the others.
  await backends[1]!.close(); // 127.0.0.1:destPorts[1]
  await waitFor('127.0.0.1:port1 ejected', async () => {
    const list = (await sup.api('GET', '/api/proxies/m/upstreams', { key: READ_KEY })).body as any[];
    return list.find((u) => u.ip === '127.0.0.1' && u.port === destPorts[1])?.healthy === false;
  }, { timeoutMs: 5000 });
  assert.deepEqual([...(await spread(originPorts[1]!, 6))], [`127.0.0.2:${destPorts[1]}`]);
  assert.deepEqual([...(await spread(originPorts[0]!, 6))].sort(), hosts.map((h) => `${h}:${destPorts[0]}`));
});

test('probes do not leak sockets: 200 probe cycles against a dead backend leave the fd count flat', async (t) => {
  const deadPort = await freePort();
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'dead.yaml': proxyYaml({
        name: 'dead',
        originPorts: [port],
        destPorts: [deadPort],
        extra: 'load_balancing:\n  health_check:\n    interval: 20ms\n    timeout: 10ms\n    failures_before_eject: 1\n    passes_before_readmit: 1\n',
      }),
    },
    waitForRunning: ['dead'],
  });
  t.after(() => sup.stop());
  const pid = (await sup.proxy('dead')).pid as number;
  const probesSoFar = async () => {
    const list = (await sup.api('GET', '/api/proxies/dead/upstreams', { key: READ_KEY })).body as any[];
    return list[0].consecutive_failures as number;
  };
  await waitFor('20 probes', async () => (await probesSoFar()) >= 20);
  const early = openFdCount(pid);
  await waitFor('200 probes', async () => (await probesSoFar()) >= 200, { timeoutMs: 15_000, intervalMs: 100 });
  const late = openFdCount(pid);
  assert.ok(early > 0);
  assert.ok(late <= early + 1, `fds grew from ${early} to ${late}`);
});
