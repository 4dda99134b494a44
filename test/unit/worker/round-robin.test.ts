import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundRobinBalancer } from '../../../proxy-worker/balancer/round-robin.js';
import { UpstreamState } from '../../../proxy-worker/balancer/upstream-state.js';

function upstreams(n: number): UpstreamState[] {
  return Array.from({ length: n }, (_, i) => new UpstreamState({ ip: '10.0.0.1', port: 1000 + i, weight: 1 }));
}

test('round-robin visits every upstream in turn', () => {
  const pool = upstreams(3);
  const balancer = new RoundRobinBalancer(pool);
  const picks = Array.from({ length: 9 }, () => balancer.pick()!.port);
  assert.deepEqual(picks, [1000, 1001, 1002, 1000, 1001, 1002, 1000, 1001, 1002]);
});

test('round-robin skips unhealthy upstreams and shares evenly among the rest', () => {
  const pool = upstreams(4);
  pool[1]!.healthy = false;
  const balancer = new RoundRobinBalancer(pool);
  const counts = new Map<number, number>();
  for (let i = 0; i < 300; i++) {
    const port = balancer.pick()!.port;
    counts.set(port, (counts.get(port) ?? 0) + 1);
  }
  assert.equal(counts.get(1001), undefined);
  assert.deepEqual([...counts.values()], [100, 100, 100]);
});

test('round-robin returns undefined when no upstream is healthy', () => {
  const pool = upstreams(2);
  for (const u of pool) u.healthy = false;
  assert.equal(new RoundRobinBalancer(pool).pick(), undefined);
});
