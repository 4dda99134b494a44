// Cluster-wide bandwidth on a real Redis, nodes in this process with a fake clock: the sum over
// nodes suspends every node and the period's end lifts it everywhere; a reset is cluster-wide;
// a flush whose reply is lost is sent again and still counted once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { BandwidthConfig } from '../../shared/config/resolved-types.js';
import { BandwidthManager, type MeteredProxy } from '../../supervisor/bandwidth/bandwidth-manager.js';
import { ClusterUnavailableError } from '../../supervisor/bandwidth/shared-usage.js';
import { BandwidthStore } from '../../supervisor/store/bandwidth-store.js';
import { openStateDatabase } from '../../supervisor/store/state-database.js';
import { startClusterNode } from '../../supervisor/cluster/cluster-node.js';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { clusterConfig, MemoryLogger } from '../helpers/cluster-in-process.js';
import { MemoryBanStore } from '../../supervisor/bans/ban-store.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = redisMissing();
const DAY_MS = 86_400_000;

class FakeProxy implements MeteredProxy {
  stats = { totals: { bytesIn: 0, bytesOut: 0 } };
  suspendedReason: string | null = null;
  config: { bandwidth: BandwidthConfig };
  constructor(readonly name: string, bandwidth: Partial<BandwidthConfig>) {
    this.config = { bandwidth: { enabled: true, scope: 'cluster', hourlyLimit: 0, dailyLimit: 0, weeklyLimit: 0, monthlyLimit: 0, suspendOnLimit: true, ...bandwidth } };
  }
  setSuspended(reason: string | null): void {
    this.suspendedReason = reason;
  }
}

/** A node with one cluster-scope proxy `mc`, counting at `clock.ms`. */
async function meteredNode(t: TestContext, url: string, nodeId: string, clock: { ms: number }, bandwidth: Partial<BandwidthConfig>) {
  const logs = new MemoryLogger();
  const node = await startClusterNode(clusterConfig(url, nodeId), new MemoryBanStore(), logs);
  const db = openStateDatabase(':memory:');
  const proxy = new FakeProxy('mc', bandwidth);
  const manager = new BandwidthManager({ list: () => [proxy] }, new BandwidthStore(db), () => 'UTC', logs, { now: () => clock.ms });
  manager.useSharedUsage(node.usage);
  t.after(async () => {
    await node.close([], clock.ms, 'UTC');
    db.close();
  });
  return { node, proxy, manager, logs };
}

/** Two seconds before the next UTC midnight: periods of the future, so Redis keeps their counters. */
function beforeMidnight(): number {
  return Math.ceil(Date.now() / DAY_MS) * DAY_MS + DAY_MS - 2000;
}

test('the sum over nodes suspends every node; the lift at the period boundary happens on every node', { skip }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const clock = { ms: beforeMidnight() };
  const a = await meteredNode(t, redis.url, 'edge-a', clock, { dailyLimit: 1000 });
  const b = await meteredNode(t, redis.url, 'edge-b', clock, { dailyLimit: 1000 });
  a.proxy.stats.totals.bytesIn += 600;
  await a.manager.tick();
  assert.equal(a.proxy.suspendedReason, null, '600 of 1000');
  b.proxy.stats.totals.bytesOut += 600;
  await b.manager.tick();
  assert.match(b.proxy.suspendedReason ?? '', /daily limit of 1000 bytes/, 'b read a\'s 600 and added its own');
  await a.manager.tick();
  assert.match(a.proxy.suspendedReason ?? '', /daily limit of 1000 bytes/);
  const usage = a.manager.usage(a.proxy);
  assert.equal(usage.scope, 'cluster');
  assert.deepEqual(usage.nodes, { 'edge-a': { hourly: 600, daily: 600, weekly: 600, monthly: 600 }, 'edge-b': { hourly: 600, daily: 600, weekly: 600, monthly: 600 } });
  assert.deepEqual([usage.usage.daily.bytesIn, usage.usage.daily.bytesOut], [600, 600]);

  clock.ms += 3000; // 00:00:01, a new day
  await Promise.all([a.manager.tick(), b.manager.tick()]);
  for (const node of [a, b]) {
    assert.equal(node.proxy.suspendedReason, null, 'lifted at midnight');
    assert.equal(node.logs.lines.find((l) => l.message === 'proxy resumed, bandwidth quota available again')?.fields['cause'], 'period ended');
    assert.equal(node.manager.usage(node.proxy).usage.daily.bytesIn, 0);
  }
  const monthly = a.manager.usage(a.proxy).usage.monthly;
  const newMonth = new Date(clock.ms).getUTCDate() === 1;
  assert.equal(monthly.bytesIn + monthly.bytesOut, newMonth ? 0 : 1200, 'the month\'s counter goes on (unless the new day is the 1st)');
});

test('a reset zeroes a cluster quota for every node, and is refused while Redis is away', { skip }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const clock = { ms: Date.now() };
  const a = await meteredNode(t, redis.url, 'edge-a', clock, { hourlyLimit: 1000 });
  const b = await meteredNode(t, redis.url, 'edge-b', clock, { hourlyLimit: 1000 });
  a.proxy.stats.totals.bytesIn += 1500;
  await a.manager.tick();
  await b.manager.tick();
  assert.notEqual(b.proxy.suspendedReason, null);

  await a.manager.reset(a.proxy, 'admin');
  assert.equal(a.proxy.suspendedReason, null);
  await b.manager.tick();
  assert.equal(b.proxy.suspendedReason, null, 'b reads the zeroed counter');
  assert.equal(b.manager.usage(b.proxy).usage.hourly.bytesIn, 0);

  a.proxy.stats.totals.bytesIn += 1500;
  await a.manager.tick();
  await redis.stop();
  await waitFor('a to notice', () => !a.node.connected);
  await assert.rejects(a.manager.reset(a.proxy, 'admin'), ClusterUnavailableError);
  assert.notEqual(a.proxy.suspendedReason, null, 'nothing was erased');
});

test('a flush whose reply is lost (Redis paused past the command timeout) is sent again and counted once', { skip }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const clock = { ms: Date.now() };
  const a = await meteredNode(t, redis.url, 'edge-a', clock, {});
  a.proxy.stats.totals.bytesIn += 1000;
  await a.manager.tick();
  assert.equal(a.manager.usage(a.proxy).usage.hourly.bytesIn, 1000);

  // Writes wait 2.5 s; the client gives up on a command after 2 s, then Redis runs it anyway.
  assert.equal(await redis.command('CLIENT', 'PAUSE', '2500', 'WRITE'), '+OK\r\n');
  a.proxy.stats.totals.bytesIn += 500;
  await a.manager.tick();
  assert.equal(a.node.status().pending.usage_bytes, 500, 'no reply: still unconfirmed');
  assert.equal(a.manager.usage(a.proxy).usage.hourly.bytesIn, 1500, 'and counted in the estimate meanwhile');
  await waitFor('the flush to be confirmed', async () => {
    await a.manager.tick();
    return a.node.status().pending.usage_bytes === 0;
  }, { timeoutMs: 6000, intervalMs: 200 });
  const windowStart = Math.floor(clock.ms / 3_600_000) * 3_600_000;
  const counter = await redis.command('HGET', `rxit:bw:mc:hourly:${windowStart}`, 'in:edge-a');
  assert.equal(counter, '$4\r\n1500\r\n', 'the flush ran once though it was sent twice');
  assert.equal(a.manager.usage(a.proxy).usage.hourly.bytesIn, 1500);
});
