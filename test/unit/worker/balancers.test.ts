import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeastConnBalancer } from '../../../proxy-worker/balancer/least-conn.js';
import { IpHashBalancer } from '../../../proxy-worker/balancer/ip-hash.js';
import { WeightedBalancer } from '../../../proxy-worker/balancer/weighted.js';
import { RandomBalancer } from '../../../proxy-worker/balancer/random.js';
import { fnv1a32 } from '../../../proxy-worker/balancer/fnv1a.js';
import { UpstreamState } from '../../../proxy-worker/balancer/upstream-state.js';
import { seededRandom } from '../../helpers/seeded-random.js';

function upstreams(weights: number[]): UpstreamState[] {
  return weights.map((weight, i) => new UpstreamState({ ip: `10.0.0.${i + 1}`, port: 25565, weight }));
}

function countPicks(pick: () => UpstreamState | undefined, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = pick()?.ip ?? 'none';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

test('least-conn sends new connections to the idle upstream while others hold long-lived ones', () => {
  const pool = upstreams([1, 1, 1]);
  const balancer = new LeastConnBalancer(pool);
  // Six long-lived connections, two per upstream; then both on the third upstream end.
  for (let i = 0; i < 6; i++) balancer.pick()!.acquire();
  pool[2]!.release();
  pool[2]!.release();
  for (let i = 0; i < 2; i++) {
    const picked = balancer.pick()!;
    assert.equal(picked.ip, '10.0.0.3');
    picked.acquire();
  }
  assert.deepEqual(pool.map((u) => u.active), [2, 2, 2]);
});

test('least-conn spreads ties instead of always taking the first upstream', () => {
  const balancer = new LeastConnBalancer(upstreams([1, 1, 1]));
  const counts = countPicks(() => balancer.pick(), 30);
  assert.deepEqual([...counts.values()], [10, 10, 10]);
});

test('least-conn skips unhealthy upstreams even when they are idle', () => {
  const pool = upstreams([1, 1]);
  pool[0]!.healthy = false;
  pool[1]!.active = 50;
  assert.equal(new LeastConnBalancer(pool).pick()!.ip, '10.0.0.2');
});

test('ip-hash: a client always lands on the same upstream, and clients spread', () => {
  const balancer = new IpHashBalancer(upstreams([1, 1, 1, 1]));
  for (const client of ['203.0.113.7', '198.51.100.23', '2001:db8::1']) {
    const first = balancer.pick(client)!.ip;
    for (let i = 0; i < 20; i++) assert.equal(balancer.pick(client)!.ip, first);
  }
  const used = new Set(Array.from({ length: 64 }, (_, i) => balancer.pick(`192.0.2.${i}`)!.ip));
  assert.equal(used.size, 4);
});

test('ip-hash: when the hashed upstream is down the client moves to the next healthy one, and back', () => {
  const pool = upstreams([1, 1, 1]);
  const balancer = new IpHashBalancer(pool);
  const home = balancer.pick('203.0.113.7')!;
  home.healthy = false;
  const away = balancer.pick('203.0.113.7')!;
  assert.notEqual(away, home);
  home.healthy = true;
  assert.equal(balancer.pick('203.0.113.7'), home);
});

test('fnv1a32 matches the reference values', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('weighted 10:1 gives the heavy upstream 88-94 % of 2,000 picks', () => {
  const balancer = new WeightedBalancer(upstreams([10, 1]), seededRandom(42));
  const counts = countPicks(() => balancer.pick(), 2000);
  const share = counts.get('10.0.0.1')! / 2000;
  assert.ok(share >= 0.88 && share <= 0.94, `heavy share ${share}`);
});

test('weighted skips unhealthy upstreams whatever their weight', () => {
  const pool = upstreams([100, 1]);
  pool[0]!.healthy = false;
  const balancer = new WeightedBalancer(pool, seededRandom(1));
  assert.deepEqual([...countPicks(() => balancer.pick(), 100).keys()], ['10.0.0.2']);
});

test('random stays within ±20 % of uniform over 4 upstreams', () => {
  const balancer = new RandomBalancer(upstreams([1, 1, 1, 1]), seededRandom(7));
  const counts = countPicks(() => balancer.pick(), 4000);
  assert.equal(counts.size, 4);
  for (const [ip, count] of counts) assert.ok(count >= 800 && count <= 1200, `${ip}: ${count}`);
});

test('every algorithm returns nothing when no upstream is healthy', () => {
  const pool = upstreams([1, 1]);
  for (const u of pool) u.healthy = false;
  for (const balancer of [new LeastConnBalancer(pool), new IpHashBalancer(pool), new WeightedBalancer(pool), new RandomBalancer(pool)]) {
    assert.equal(balancer.pick('192.0.2.1'), undefined);
  }
});
