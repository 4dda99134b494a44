// Issue 21, item 3: Redis stopped for 5 s during traffic, and a ban made on node A meanwhile.
// Both nodes keep forwarding (open and new connections); A enforces its ban at once; when Redis
// is back the ban reaches node B and closes the address's connection there, and the bytes of
// the outage are in the cluster-wide usage exactly once. Redis is stopped with SHUTDOWN SAVE and
// started again on the same port and folder, as a Redis with persistence restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, METRICS_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { startSinkBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { startTwoNodes, waitForCluster, type NodeName } from '../helpers/cluster-nodes.js';
import { waitFor } from '../helpers/wait-for.js';

const OUTAGE_MS = 5000;
const CHUNK = 10_000;

async function dailyUsed(sup: SupervisorProcess): Promise<number> {
  return (await sup.api('GET', '/api/bandwidth/proxy/cq', { key: METRICS_KEY })).body.daily_used;
}

/** A new connection's bytes reach the backend (the node forwards). */
async function forwards(port: number, sink: { received: number }, localAddress = '127.0.0.1'): Promise<boolean> {
  const before = sink.received;
  const client = await TcpClient.connect(port, { localAddress });
  client.write(Buffer.alloc(100, 1));
  try {
    await waitFor('the bytes to arrive', () => sink.received - before >= 100 || client.closed, { timeoutMs: 2000 });
    return sink.received - before >= 100;
  } finally {
    client.destroy();
  }
}

test('Redis away for 5 s during traffic: both nodes forward; the ban made meanwhile reaches B and the outage\'s bytes count once when it is back', { skip: redisMissing() }, async (t) => {
  let redis = await RedisServer.start();
  t.after(() => redis.stop());
  const sink = await startSinkBackend();
  t.after(() => sink.close());
  const ports: Record<NodeName, number> = { a: await freePort(), b: await freePort() };
  const { a, b } = await startTwoNodes(t, redis, (node) => ({ 'cq.yaml': proxyYaml({ name: 'cq', originPorts: [ports[node]], destPorts: [sink.port], extra: 'bandwidth:\n  scope: cluster\n' }) }), {
    waitForRunning: ['cq'],
  });

  // Long-lived traffic through both nodes; through B from the address A will ban.
  const streamA = await TcpClient.connect(ports.a);
  const streamB = await TcpClient.connect(ports.b, { localAddress: '127.0.0.4' });
  t.after(() => [streamA, streamB].forEach((c) => c.destroy()));
  streamA.write(Buffer.alloc(CHUNK, 2));
  streamB.write(Buffer.alloc(CHUNK, 3));
  await waitFor('the usage before the outage to be counted', async () => (await dailyUsed(b)) === 2 * CHUNK);

  await redis.stop({ save: true, keepDir: true });
  const stoppedAt = Date.now();
  await Promise.all([waitForCluster(a, false), waitForCluster(b, false)]);

  const ban = await a.api('POST', '/api/l7/banned/127.0.0.4?duration=10m&reason=outage', { key: ADMIN_KEY });
  assert.equal(ban.status, 200, 'a ban is taken while Redis is away');
  assert.equal(await forwards(ports.a, sink, '127.0.0.4'), false, 'A enforces its own ban at once');
  assert.equal(await forwards(ports.a, sink), true, 'A forwards new connections');
  assert.equal(await forwards(ports.b, sink), true, 'B forwards new connections');
  // Traffic for the rest of the outage, through both nodes, on the open connections.
  const beforeLoop = sink.received;
  let written = 0;
  while (Date.now() - stoppedAt < OUTAGE_MS) {
    streamA.write(Buffer.alloc(CHUNK, 2));
    streamB.write(Buffer.alloc(CHUNK, 3));
    written += 2 * CHUNK;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await waitFor('the outage\'s traffic to reach the backend through both nodes', () => sink.received - beforeLoop === written);
  assert.equal(streamB.closed, false, 'B does not know the ban yet and keeps forwarding');
  for (const sup of [a, b]) {
    const system = (await sup.api('GET', '/api/system', { key: ADMIN_KEY })).body;
    assert.equal(system.cluster.connected, false);
    assert.equal((await sup.api('GET', '/metrics?format=json', { key: METRICS_KEY })).body.cluster_connected, 0);
  }
  const pendingOnA = (await a.api('GET', '/api/system', { key: ADMIN_KEY })).body.cluster.pending;
  assert.ok(pendingOnA.usage_bytes > 0, 'A holds the usage it could not send');

  redis = await redis.restart();
  const backAt = Date.now();
  await Promise.all([waitForCluster(a, true, 5000), waitForCluster(b, true, 5000)]);
  t.diagnostic(`Redis was away ${backAt - stoppedAt} ms; both nodes reconnected ${Date.now() - backAt} ms after it was back`);
  await streamB.waitClosed(3000);
  t.diagnostic(`the ban made on A during the outage closed the connection through B ${Date.now() - backAt} ms after Redis was back`);
  const onB = (await b.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body;
  assert.deepEqual(onB.map((x: any) => [x.ip, x.reason, x.node]), [['127.0.0.4', 'outage', 'node-a']]);

  // Everything the backend received went through cq on A or B: the cluster total must be exactly that.
  const expected = sink.received;
  await waitFor('both nodes to count the outage\'s bytes', async () => (await dailyUsed(a)) === expected && (await dailyUsed(b)) === expected, { timeoutMs: 5000 });
  const samples: number[] = [];
  for (const started = Date.now(); Date.now() - started < 2000; ) {
    samples.push(await dailyUsed(a), await dailyUsed(b));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.deepEqual([...new Set(samples)], [expected], 'and nothing is added twice in the syncs after');
  t.diagnostic(`cluster daily usage ${expected} bytes = bytes the backend received`);
  for (const sup of [a, b]) {
    const warnings = sup.logs.filter((l) => String(l.message).startsWith('cluster redis unreachable'));
    assert.equal(warnings.length, 1, 'one warning per outage');
    assert.equal(warnings[0]!.level, 'warn');
    assert.equal(sup.logs.filter((l) => l.message === 'cluster redis reachable again').length, 1);
  }
});
