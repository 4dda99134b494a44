import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BanList, type BanChange } from '../../../supervisor/bans/ban-list.js';
import { MemoryBanStore } from '../../../supervisor/bans/ban-store.js';
import { BanTable, BanTarget } from '../../../proxy-worker/l7/ban-table.js';
import { waitFor } from '../../helpers/wait-for.js';
import { openStateDatabase } from '../../../supervisor/store/state-database.js';
import { L7EventStore, L7_EVENTS_KEPT } from '../../../supervisor/store/l7-event-store.js';

const quiet = { info: () => undefined, error: () => undefined };

test('ban list: bans are announced, listed newest first, and lifted', async () => {
  const list = new BanList(new MemoryBanStore(), quiet);
  await list.load();
  const changes: BanChange[] = [];
  list.subscribe((c) => changes.push(c));
  list.add('203.0.113.1/32', 'first', 'api', null);
  list.add('203.0.113.2/32', 'second', 'mc', 60_000);
  assert.deepEqual(list.list().map((b) => b.target).sort(), ['203.0.113.1/32', '203.0.113.2/32']);
  assert.equal(list.remove('203.0.113.1/32')?.reason, 'first');
  assert.equal(list.remove('203.0.113.1/32'), undefined);
  assert.deepEqual(changes.map((c) => `${c.kind} ${c.ban.target}`), ['added 203.0.113.1/32', 'added 203.0.113.2/32', 'removed 203.0.113.1/32']);
  list.close();
});

test('ban list: a ban expires by itself on time', async () => {
  const list = new BanList(new MemoryBanStore(), quiet);
  await list.load();
  const expired: string[] = [];
  list.subscribe((c) => c.kind === 'removed' && c.cause === 'expired' && expired.push(c.ban.target));
  const started = Date.now();
  list.add('198.51.100.1/32', 'short', 'api', 150);
  await waitFor('the ban to expire', () => expired.length === 1, { timeoutMs: 2000 });
  assert.ok(Date.now() - started >= 140);
  assert.equal(list.size, 0);
  list.close();
});

test('ban list: the store keeps bans across instances and drops those that expired meanwhile', async () => {
  const store = new MemoryBanStore();
  let now = 1_000_000;
  const first = new BanList(store, quiet, () => now);
  await first.load();
  first.add('198.51.100.1/32', 'long', 'api', 3_600_000);
  first.add('198.51.100.2/32', 'short', 'api', 1000);
  first.close();
  now += 5000;
  const second = new BanList(store, quiet, () => now);
  await second.load();
  assert.deepEqual(second.list().map((b) => b.target), ['198.51.100.1/32']);
  assert.equal((await store.load()).length, 1);
  second.close();
});

test('worker ban table: addresses and networks, IPv4-mapped clients, expiry', () => {
  const table = new BanTable();
  const ban = (target: string, expiresAtMs: number | null) => ({ target, reason: '', source: 'api', node: null, createdAtMs: 0, expiresAtMs });
  table.add([ban('203.0.113.7/32', null), ban('2001:db8::/32', null), ban('198.51.100.0/24', 1000), ban('2001:db8:ffff::1/128', null)]);
  assert.equal(table.isBanned('203.0.113.7', 0), true);
  assert.equal(table.isBanned('::ffff:203.0.113.7', 0), true);
  assert.equal(table.isBanned('203.0.113.8', 0), false);
  assert.equal(table.isBanned('2001:db8:1::5', 0), true);
  assert.equal(table.isBanned('2001:DB8:FFFF:0:0:0:0:1', 0), true);
  assert.equal(table.isBanned('198.51.100.200', 999), true);
  assert.equal(table.isBanned('198.51.100.200', 1000), false, 'expired');
  table.remove(['203.0.113.7/32', '2001:db8::/32']);
  assert.equal(table.isBanned('203.0.113.7', 0), false);
  assert.equal(table.isBanned('2001:db8:1::5', 0), false);
  assert.equal(table.size, 2);
});

test('ban target: finds the live clients a ban covers', () => {
  assert.equal(new BanTarget('10.0.0.0/8').covers('10.20.30.40'), true);
  assert.equal(new BanTarget('10.0.0.0/8').covers('::ffff:10.1.1.1'), true);
  assert.equal(new BanTarget('10.0.0.0/8').covers('11.0.0.1'), false);
  assert.equal(new BanTarget('2001:db8::1/128').covers('2001:db8::1'), true);
  assert.equal(new BanTarget('2001:db8::1/128').covers('10.0.0.1'), false);
});

test('ban list: bans from other nodes are enforced like local ones, and not stored again by the list', async () => {
  const saved: string[] = [];
  let shared: import('../../../supervisor/bans/ban-store.js').SharedBanList | undefined;
  const store = {
    load: async () => [],
    save: async (ban: { target: string }) => void saved.push(`save ${ban.target}`),
    delete: async (ban: { target: string }, cause: string) => void saved.push(`delete ${ban.target} ${cause}`),
    share: async (list: import('../../../supervisor/bans/ban-store.js').SharedBanList) => void (shared = list),
  };
  const list = new BanList(store, quiet, Date.now, 'edge-1');
  await list.load();
  const changes: BanChange[] = [];
  list.subscribe((c) => changes.push(c));
  assert.equal(list.add('203.0.113.1/32', 'local', 'api', null).node, 'edge-1');
  shared!.addedElsewhere({ target: '203.0.113.2/32', reason: 'remote', source: 'mc', node: 'edge-2', createdAtMs: Date.now(), expiresAtMs: null });
  shared!.addedElsewhere({ target: '203.0.113.3/32', reason: 'stale', source: 'mc', node: 'edge-2', createdAtMs: 0, expiresAtMs: 1 });
  assert.equal(shared!.get('203.0.113.2/32')?.node, 'edge-2');
  shared!.removedElsewhere('203.0.113.1/32');
  shared!.removedElsewhere('203.0.113.9/32');
  assert.deepEqual(changes.map((c) => `${c.kind} ${c.ban.target} ${c.ban.node}`), ['added 203.0.113.1/32 edge-1', 'added 203.0.113.2/32 edge-2', 'removed 203.0.113.1/32 edge-1']);
  assert.deepEqual(shared!.list().map((b) => b.target), ['203.0.113.2/32']);
  assert.deepEqual(saved, ['save 203.0.113.1/32'], 'only the local ban went to the store');
  list.close();
});

test('the L7 event log keeps the newest 10,000 events in one order, filtered by proxy and ip', () => {
  const db = openStateDatabase(':memory:');
  const store = new L7EventStore(db);
  const event = (i: number, ip: string) => ({ atMs: 1000 + i, ip, type: 'invalid_protocol', points: 30, action: 'rejected' as const, detail: `#${i}`, protocol: 'tcp' as const });
  const batch = Array.from({ length: 6000 }, (_, i) => event(i, i % 2 === 0 ? '203.0.113.1' : '203.0.113.2'));
  store.add('a', batch);
  store.add('b', batch.map((e, i) => ({ ...e, atMs: e.atMs + 6000, detail: `#${6000 + i}` })));
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM l7_events').get() as { n: number }).n, L7_EVENTS_KEPT);
  const newest = store.query({ limit: 3 });
  assert.deepEqual(newest.map((e) => [e.proxy, e.detail]), [['b', '#11999'], ['b', '#11998'], ['b', '#11997']]);
  assert.ok(newest[0]!.id > newest[1]!.id);
  assert.equal(store.query({ limit: 10_000, proxy: 'a' }).length, 4000);
  assert.ok(store.query({ limit: 50, ip: '203.0.113.2', proxy: 'b' }).every((e) => e.ip === '203.0.113.2' && e.proxy === 'b'));
  db.close();
});

test('the L7 event log reads newest first by event time, whichever worker\'s batch arrived first', () => {
  const db = openStateDatabase(':memory:');
  const store = new L7EventStore(db);
  const event = (atMs: number, detail: string) => ({ atMs, ip: '203.0.113.1', type: 'invalid_protocol', points: 0, action: 'rejected' as const, detail, protocol: 'tcp' as const });
  // Proxy b reports first, though a's events (sent with its next once-a-second report) are older.
  store.add('b', [event(5_000, 'b1'), event(5_600, 'b2')]);
  store.add('a', [event(4_800, 'a1'), event(5_300, 'a2'), event(5_600, 'a3')]);
  assert.deepEqual(store.query({ limit: 10 }).map((e) => e.detail), ['a3', 'b2', 'a2', 'b1', 'a1']);
  assert.deepEqual(store.query({ limit: 2 }).map((e) => e.detail), ['a3', 'b2'], 'the limit takes the newest by time');
  assert.deepEqual(store.query({ limit: 10, proxy: 'a' }).map((e) => e.detail), ['a3', 'a2', 'a1']);
  db.close();
});
