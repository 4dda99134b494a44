// The shared ban list on a real Redis, nodes in this process: what happens around outages,
// restarts and concurrent bans, faster than with whole supervisors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { clusterConfig, startTestNode, waitConnected, type TestNode } from '../helpers/cluster-in-process.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = redisMissing();

function targets(node: TestNode): string[] {
  return node.bans.list().map((b) => `${b.target} ${b.reason} ${b.node}`).sort();
}

test('Redis restarted empty: each node pushes its bans again; bans and unbans made meanwhile reach the other node, the newer ban wins', { skip }, async (t) => {
  let redis = await RedisServer.start();
  t.after(() => redis.stop());
  const a = await startTestNode(t, clusterConfig(redis.url, 'edge-a'));
  const b = await startTestNode(t, clusterConfig(redis.url, 'edge-b'));
  a.bans.add('203.0.113.1/32', 'before', 'api', null);
  a.bans.add('203.0.113.2/32', 'lifted on b', 'api', null);
  await waitFor('b to get both', () => b.bans.size === 2);

  await redis.stop();
  await waitFor('both to notice', () => !a.node.connected && !b.node.connected);
  a.bans.add('203.0.113.3/32', 'during', 'mc', 600_000);
  b.bans.remove('203.0.113.2/32');
  a.bans.add('203.0.113.4/32', 'older', 'api', null);
  await new Promise((resolve) => setTimeout(resolve, 5)); // the two bans of .4 must differ in time
  b.bans.add('203.0.113.4/32', 'newer', 'api', null);
  assert.equal(b.node.status().pending.unbans, 1);

  redis = await redis.restart();
  await Promise.all([waitConnected(a), waitConnected(b)]);
  const expected = ['203.0.113.1/32 before edge-a', '203.0.113.3/32 during edge-a', '203.0.113.4/32 newer edge-b'];
  await waitFor('both nodes to agree', () => JSON.stringify(targets(a)) === JSON.stringify(expected) && JSON.stringify(targets(b)) === JSON.stringify(expected));
  assert.equal(b.node.status().pending.unbans, 0);
  const keys = (await redis.command('KEYS', 'rxit:*')).split('\r\n').filter((line) => line.startsWith('rxit:')).sort();
  assert.deepEqual(keys, ['rxit:ban:203.0.113.1/32', 'rxit:ban:203.0.113.3/32', 'rxit:ban:203.0.113.4/32', 'rxit:unban:203.0.113.2/32']);
  assert.match(await redis.command('PTTL', 'rxit:ban:203.0.113.3/32'), /^:(\d+)\r\n$/);
  assert.ok(Number((await redis.command('PTTL', 'rxit:ban:203.0.113.3/32')).slice(1)) > 590_000, 'the ban keeps its expiry in Redis');
  assert.equal(await redis.command('PTTL', 'rxit:ban:203.0.113.1/32'), ':-1\r\n', 'a ban until unbanned has no TTL');
  for (const node of [a, b]) assert.equal(node.logs.count('cluster redis unreachable'), 1, 'one warning per outage');
});

test('a node that was down learns the unbans made meanwhile, and a node that starts loads the bans it did not have', { skip }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const a = await startTestNode(t, clusterConfig(redis.url, 'edge-a'));
  const c = await startTestNode(t, clusterConfig(redis.url, 'edge-c'));
  a.bans.add('198.51.100.1/32', 'to lift', 'api', null);
  await waitFor('c to get it', () => c.bans.size === 1);
  await c.close();
  a.bans.remove('198.51.100.1/32');
  a.bans.add('198.51.100.2/32', 'while c was down', 'api', null);
  // Someone else's ban written as any node writes it, and junk that must be ignored.
  await redis.command('SET', 'rxit:ban:198.51.100.3/32', JSON.stringify({ target: '198.51.100.3/32', reason: 'by hand', source: 'api', node: 'edge-z', createdAtMs: Date.now(), expiresAtMs: null }));
  await redis.command('SET', 'rxit:ban:198.51.100.4/32', 'not json');
  await redis.command('SET', 'rxit:ban:198.51.100.5/32', JSON.stringify({ target: '198.51.100.9/32', reason: 'key mismatch', source: 'api', node: 'x', createdAtMs: 1, expiresAtMs: null }));
  await redis.command('PUBLISH', 'rxit:bans', 'garbage');

  const again = await startTestNode(t, clusterConfig(redis.url, 'edge-c'), c.local);
  assert.deepEqual(targets(again), ['198.51.100.2/32 while c was down edge-a', '198.51.100.3/32 by hand edge-z']);
  assert.deepEqual((await c.local.load()).map((b) => b.target).sort(), ['198.51.100.2/32', '198.51.100.3/32'], 'its own copy follows');
});

test('a node that cannot reach Redis at start runs on its own copy and catches up when Redis comes', { skip }, async (t) => {
  const redis = await RedisServer.start();
  const port = redis.port;
  const url = redis.url;
  await redis.stop();
  const started = Date.now();
  const lonely = await startTestNode(t, clusterConfig(url, 'edge-a'), undefined, 500);
  assert.ok(Date.now() - started < 1500, 'start-up waits for Redis only as long as it is told');
  assert.equal(lonely.node.connected, false);
  assert.equal(lonely.logs.count('cluster redis unreachable'), 1);
  lonely.bans.add('192.0.2.1/32', 'offline', 'api', null);
  const late = await RedisServer.start({ port });
  t.after(() => late.stop());
  await waitConnected(lonely);
  await waitFor('the ban to reach Redis', async () => (await late.command('EXISTS', 'rxit:ban:192.0.2.1/32')) === ':1\r\n');
  assert.equal(lonely.logs.count('cluster redis reachable again'), 1);
});

test('a Redis that refuses writes (full, noeviction): the ban holds locally, the error is logged once, and it is pushed once Redis has room', { skip }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const a = await startTestNode(t, clusterConfig(redis.url, 'edge-a'));
  const b = await startTestNode(t, clusterConfig(redis.url, 'edge-b'));
  assert.equal(await redis.command('CONFIG', 'SET', 'maxmemory', '1'), '+OK\r\n');
  a.bans.add('198.51.100.7/32', 'while full', 'api', null);
  a.bans.add('198.51.100.8/32', 'while full too', 'api', null);
  await waitFor('the refusal to be logged', () => a.logs.lines.some((l) => l.level === 'error'));
  assert.equal(a.bans.size, 2, 'enforced here regardless');
  assert.equal(b.bans.size, 0);
  assert.equal(await redis.command('CONFIG', 'SET', 'maxmemory', '0'), '+OK\r\n');
  await waitFor('b to get both bans', () => b.bans.size === 2, { timeoutMs: 5000 });
  const errors = a.logs.lines.filter((l) => l.level === 'error');
  assert.equal(errors.length, 1, 'logged once, not per ban or per retry');
  assert.match(String(errors[0]!.fields['error']), /OOM/);
});
