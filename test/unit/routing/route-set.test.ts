import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteSet } from '../../../proxy-worker/routing/route-set.js';
import { validProxy } from '../config/config-fixtures.js';

const ROUTES = [
  { name: 'lobby', hosts: ['lobby.example.net', '*.lobby.example.net'], 'dest-ip': '10.0.1.1, 10.0.1.2', 'dest-port': 25565, load_balancing: { algorithm: 'least-conn' } },
  { hosts: ['*.example.net'], 'dest-ip': '10.0.2.1', 'dest-port': 25565, load_balancing: { health_check: { interval: '4s' } } },
];

function routeSet(unknown: 'default' | 'reject' = 'default', routes: unknown[] = ROUTES, previous?: RouteSet): RouteSet {
  return new RouteSet(validProxy({ routing: { by: 'minecraft-host', unknown }, routes }), previous);
}

describe('RouteSet', () => {
  it('has the default route first, then one route per entry, each with its own pool and health', () => {
    const set = routeSet();
    assert.deepEqual(set.all.map((r) => [r.name, r.pool.upstreams.map((u) => u.key)]), [
      ['default', ['10.0.0.1:35565']],
      ['lobby', ['10.0.1.1:25565', '10.0.1.2:25565']],
      ['*.example.net', ['10.0.2.1:25565']],
    ]);
    assert.equal(set.get('*.example.net').health.intervalMs, 4000);
  });

  it('picks a route by host, exact before wildcard, and the default or nothing for unknown hosts', () => {
    const set = routeSet();
    assert.equal(set.forHost('LOBBY.example.net.')?.name, 'lobby');
    assert.equal(set.forHost('eu.lobby.example.net')?.name, 'lobby');
    assert.equal(set.forHost('survival.example.net')?.name, '*.example.net');
    assert.equal(set.forHost('elsewhere.org')?.name, 'default');
    assert.equal(routeSet('reject').forHost('elsewhere.org'), null);
    assert.equal(set.get(null).name, 'default');
    assert.equal(set.get('gone').name, 'default');
  });

  it('balances inside the chosen route only, and knows when a route has no healthy upstream', () => {
    const lobby = routeSet().get('lobby');
    const picked = new Set(Array.from({ length: 4 }, () => lobby.pool.pick(0, '203.0.113.1')!.ip));
    assert.deepEqual([...picked].sort(), ['10.0.1.1', '10.0.1.2']);
    for (const upstream of lobby.pool.upstreams) upstream.healthy = false;
    assert.equal(lobby.pool.hasHealthy(), false);
    assert.equal(lobby.pool.pick(0, '203.0.113.1'), undefined);
  });

  it('keeps the live state of routes and upstreams that stay across a reconfigure', () => {
    const before = routeSet();
    const kept = before.get('lobby').pool.upstreams[0]!;
    kept.manuallyEjected = true;
    before.get('lobby').answered = 5;
    const after = routeSet('default', [{ ...ROUTES[0], 'dest-ip': '10.0.1.1, 10.0.1.3' }], before);
    assert.equal(after.get('lobby').pool.upstreams[0], kept);
    assert.equal(after.get('lobby').answered, 5);
    assert.deepEqual(after.all.map((r) => r.name), ['default', 'lobby']);
  });

  it('finds upstreams across routes, the same ip:port in two routes as two upstreams', () => {
    const set = routeSet('default', [{ hosts: ['a.net'], 'dest-ip': '10.0.0.1', 'dest-port': 35565 }]);
    assert.equal(set.find('10.0.0.1', 35565).length, 2);
    assert.equal(set.upstreams().length, 2);
    assert.equal(set.routeOf(set.upstreams()[1]!)?.name, 'a.net');
  });
});
