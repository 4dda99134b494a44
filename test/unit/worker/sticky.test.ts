import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundRobinBalancer } from '../../../proxy-worker/balancer/round-robin.js';
import { StickyBalancer } from '../../../proxy-worker/balancer/sticky-balancer.js';
import { StickyTable } from '../../../proxy-worker/balancer/sticky-table.js';
import { UpstreamState } from '../../../proxy-worker/balancer/upstream-state.js';

function setup(ttlMs: number, capacity?: number) {
  let now = 1_000_000;
  const pool = [1, 2, 3].map((i) => new UpstreamState({ ip: `10.0.0.${i}`, port: 25565, weight: 1 }));
  const table = new StickyTable(ttlMs, capacity, () => now);
  const balancer = new StickyBalancer(new RoundRobinBalancer(pool), table);
  return { pool, table, balancer, advance: (ms: number) => (now += ms) };
}

test('sticky: a client keeps its upstream across reconnects within the TTL', () => {
  const { balancer, advance } = setup(60_000);
  const first = balancer.pick('203.0.113.7');
  balancer.pick('198.51.100.1');
  for (let i = 0; i < 10; i++) {
    advance(30_000);
    assert.equal(balancer.pick('203.0.113.7'), first);
  }
});

test('sticky: after the TTL without a reconnect the client is picked afresh', () => {
  const { balancer, table, advance } = setup(60_000);
  const first = balancer.pick('203.0.113.7');
  advance(60_001);
  const second = balancer.pick('203.0.113.7');
  assert.notEqual(second, first, 'round-robin moved on, so a fresh pick lands elsewhere');
  assert.equal(table.size, 1);
});

test('sticky: when the remembered upstream goes down the client is re-picked and stays on the new one', () => {
  const { balancer } = setup(60_000);
  const first = balancer.pick('203.0.113.7')!;
  first.healthy = false;
  const second = balancer.pick('203.0.113.7')!;
  assert.notEqual(second, first);
  first.healthy = true;
  assert.equal(balancer.pick('203.0.113.7'), second);
});

test('sticky: the table is bounded and expired entries are pruned', () => {
  const { balancer, table, advance } = setup(1000, 100);
  for (let i = 0; i < 250; i++) balancer.pick(`192.0.2.${i}`);
  assert.equal(table.size, 100);
  advance(1001);
  table.prune();
  assert.equal(table.size, 0);
});
