// Issue 21, item 1: two nodes (two real supervisors, one Redis). A manual ban on node A closes
// the banned address's open connection through node B within 1 s, B lists it with A as its
// source node, and an unban on B lets the address back through A.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, METRICS_KEY } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { isRedisModule, moduleLogEnv, startTwoNodes } from '../helpers/cluster-nodes.js';
import { waitFor } from '../helpers/wait-for.js';

async function echoes(port: number, localAddress: string): Promise<TcpClient | undefined> {
  const client = await TcpClient.connect(port, { localAddress });
  client.write('ping');
  try {
    await client.waitForBytes(4, 300);
    return client;
  } catch {
    client.destroy();
    return undefined;
  }
}

test('a ban on node A closes the address\'s connection through node B within 1 s; an unban on B lets it back through A', { skip: redisMissing() }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const ports = { a: await freePort(), b: await freePort() };
  const modules = moduleLogEnv(t);
  const { a, b } = await startTwoNodes(t, redis, (node) => ({ 'game.yaml': proxyYaml({ name: 'game', originPorts: [ports[node]], destPorts: [backend.port] }) }), {
    waitForRunning: ['game'],
    env: modules.env,
  });
  assert.ok(modules.modules().some(isRedisModule), 'a cluster node loads the Redis client (the check in cluster-disabled.test.ts relies on seeing it)');

  const throughB = (await echoes(ports.b, '127.0.0.2'))!;
  const bystander = (await echoes(ports.b, '127.0.0.3'))!;
  t.after(() => [throughB, bystander].forEach((c) => c.destroy()));

  const banAt = Date.now();
  const ban = await a.api('POST', '/api/l7/banned/127.0.0.2?duration=10m&reason=griefing', { key: ADMIN_KEY });
  assert.equal(ban.status, 200);
  assert.equal(ban.body.ban.node, 'node-a');
  await throughB.waitClosed(1000);
  const closedAfterMs = Date.now() - banAt;
  t.diagnostic(`ban on A closed the connection through B after ${closedAfterMs} ms`);
  assert.ok(closedAfterMs < 1000, `closed after ${closedAfterMs} ms`);
  assert.equal(bystander.closed, false, 'another address keeps its connection');
  assert.equal(await echoes(ports.a, '127.0.0.2'), undefined, 'node A refuses it too');

  const listed = (await b.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body;
  assert.deepEqual(listed.map((x: any) => [x.ip, x.reason, x.source, x.node]), [['127.0.0.2', 'griefing', 'api', 'node-a']]);
  assert.equal(listed[0].expires_at, ban.body.ban.expires_at, 'the same expiry on every node');
  const metrics = (await b.api('GET', '/metrics?format=json', { key: METRICS_KEY })).body;
  assert.equal(metrics.bans_active, 1);
  assert.equal(metrics.cluster_connected, 1);

  const unbanAt = Date.now();
  assert.equal((await b.api('DELETE', '/api/l7/banned/127.0.0.2', { key: ADMIN_KEY })).status, 200);
  const back = await waitFor('the address to be let back through A', () => echoes(ports.a, '127.0.0.2'), { timeoutMs: 1000, intervalMs: 10 });
  t.after(() => back.destroy());
  t.diagnostic(`unban on B let the address through A after ${Date.now() - unbanAt} ms`);
  assert.deepEqual((await a.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body, []);
  assert.ok(a.logs.some((l) => l.message === 'ip unbanned' && l.target === '127.0.0.2/32' && l.elsewhere === true), 'A logs the unban it received');
});
