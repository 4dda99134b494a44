// Issue 21, item 2: a proxy with `bandwidth.scope: cluster` and a 2 MB daily quota on two nodes:
// 1.2 MB through A and 1.2 MB through B suspend new connections on both nodes. The same traffic
// through a `scope: node` proxy suspends neither: each node counts only its own 1.2 MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { startSinkBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { startTwoNodes, type NodeName } from '../helpers/cluster-nodes.js';
import { waitFor } from '../helpers/wait-for.js';

const MB = 1024 * 1024;
const LIMIT = 2 * MB;
const SENT = Math.round(1.2 * MB);

async function send(port: number, sink: { received: number }, bytes: number): Promise<void> {
  const before = sink.received;
  const client = await TcpClient.connect(port);
  client.write(Buffer.alloc(bytes, 7));
  await waitFor('the backend to receive everything', () => sink.received - before === bytes, { timeoutMs: 10_000 });
  client.destroy();
}

async function bandwidth(sup: SupervisorProcess, proxy: string): Promise<any> {
  return (await sup.api('GET', `/api/bandwidth/proxy/${proxy}`, { key: METRICS_KEY })).body;
}

/** A new connection: reaches the backend (true), or is closed by the proxy without reaching it (false). */
async function served(port: number, sink: { accepted: number }): Promise<boolean> {
  const before = sink.accepted;
  const client = await TcpClient.connect(port);
  try {
    return await waitFor('the connection to be served or closed', () => (sink.accepted > before ? 'served' : client.closed ? 'closed' : undefined), { timeoutMs: 3000 }) === 'served';
  } finally {
    client.destroy();
  }
}

test('scope cluster: 1.2 MB through each of two nodes uses up a 2 MB daily quota on both; scope node does not', { skip: redisMissing() }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const sinks = { cq: await startSinkBackend(), nq: await startSinkBackend() };
  t.after(() => Promise.all([sinks.cq.close(), sinks.nq.close()]));
  const ports: Record<NodeName, { cq: number; nq: number }> = { a: { cq: await freePort(), nq: await freePort() }, b: { cq: await freePort(), nq: await freePort() } };
  const quota = (scope: string) => `bandwidth:\n  enabled: true\n  daily_limit: ${LIMIT}\n  suspend_on_limit: true\n  scope: ${scope}\n`;
  const nodes = await startTwoNodes(
    t,
    redis,
    (node) => ({
      'cq.yaml': proxyYaml({ name: 'cq', originPorts: [ports[node].cq], destPorts: [sinks.cq.port], extra: quota('cluster') }),
      'nq.yaml': proxyYaml({ name: 'nq', originPorts: [ports[node].nq], destPorts: [sinks.nq.port], extra: quota('node') }),
    }),
    { waitForRunning: ['cq', 'nq'] },
  );

  await send(ports.a.cq, sinks.cq, SENT);
  await send(ports.a.nq, sinks.nq, SENT);
  // B sees A's bytes in the cluster counter before sending any of its own.
  const seenByB = await waitFor('B to read A\'s usage', async () => ((await bandwidth(nodes.b, 'cq')).daily_used === SENT ? await bandwidth(nodes.b, 'cq') : undefined));
  assert.equal(seenByB.scope, 'cluster');
  assert.equal(seenByB.nodes['node-a'].daily, SENT);
  assert.equal(seenByB.suspended, false);

  await send(ports.b.cq, sinks.cq, SENT);
  await send(ports.b.nq, sinks.nq, SENT);
  const sentAt = Date.now();
  for (const sup of [nodes.a, nodes.b]) await sup.waitForProxy('cq', 'suspended by the cluster quota', (p) => p.suspended === true, 5000);
  t.diagnostic(`both nodes suspended cq ${Date.now() - sentAt} ms after B's bytes reached the backend`);

  for (const node of ['a', 'b'] as const) {
    // The quota is crossed while B's bytes are still being reported, so suspension can come
    // before the last of them reach the shared counter: wait for the counter to settle.
    const cq = await waitFor(`node ${node} to count both nodes' bytes`, async () => {
      const view = await bandwidth(nodes[node], 'cq');
      return view.daily_used >= 2 * SENT ? view : undefined;
    }, { timeoutMs: 5000 });
    assert.equal(cq.daily_used, 2 * SENT, `node ${node} counts both nodes' bytes once`);
    assert.deepEqual(Object.fromEntries(Object.entries(cq.nodes).map(([n, used]: [string, any]) => [n, used.daily])), { 'node-a': SENT, 'node-b': SENT });
    assert.match(cq.suspended_reason, /daily limit of 2097152 bytes/);
    assert.equal(await served(ports[node].cq, sinks.cq), false, `node ${node} refuses new connections to cq`);

    const nq = await waitFor(`node ${node} to report its own nq bytes`, async () => {
      const view = await bandwidth(nodes[node], 'nq');
      return view.daily_used >= SENT ? view : undefined;
    }, { timeoutMs: 5000 });
    assert.equal(nq.scope, 'node');
    assert.equal(nq.nodes, null);
    assert.equal(nq.daily_used, SENT, `node ${node} counts only its own bytes for nq`);
    assert.equal(nq.suspended, false);
    assert.equal(await served(ports[node].nq, sinks.nq), true, `node ${node} still serves nq`);
  }
});
