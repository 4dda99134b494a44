import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../../supervisor/store/migrations.js';
import { MetricsStore, type ProxySample } from '../../../supervisor/store/metrics-store.js';
import { openStateDatabase } from '../../../supervisor/store/state-database.js';

function tempFile(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'nested', 'state.db');
}

function sample(tsMs: number, extra: Partial<ProxySample> = {}): ProxySample {
  return {
    proxy: 'mc', tsMs, intervalMs: 10_000, bytesIn: 100, bytesOut: 200, connections: 1, udpSessions: 0, aclDenied: 0, noHealthyUpstream: 0,
    udpDropped: 0, suspendedRefused: 0, activeTcp: 2, activeUdpSessions: 1, upstreamsHealthy: 1, upstreamsTotal: 1, running: true, suspended: false, ...extra,
  };
}

test('a new database is created in WAL mode with every migration applied, once', (t) => {
  const file = tempFile(t);
  const db = openStateDatabase(file);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
  assert.deepEqual(migrate(db), [], 'nothing left to run');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
  assert.deepEqual(tables, ['bandwidth_buckets', 'bans', 'l7_events', 'proxy_samples', 'upstream_samples']);
  db.close();
  const again = openStateDatabase(file);
  assert.equal(again.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
  again.close();
});

test('a database from a newer RouteX is refused rather than damaged', (t) => {
  const file = tempFile(t);
  openStateDatabase(file).close();
  const raw = new BetterSqlite3(file);
  raw.pragma('user_version = 99');
  raw.close();
  assert.throws(() => openStateDatabase(file), /schema version 99/);
});

test('migrations run in order and only the missing ones', () => {
  const db = new BetterSqlite3(':memory:');
  const steps = [
    { version: 1, name: 'one', sql: 'CREATE TABLE a (x)' },
    { version: 2, name: 'two', sql: 'CREATE TABLE b (x)' },
  ];
  assert.deepEqual(migrate(db, steps.slice(0, 1)), [1]);
  assert.deepEqual(migrate(db, steps), [2]);
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  db.close();
});

test('a flush writes its rows and prunes rows older than the retention in the same transaction', () => {
  const db = openStateDatabase(':memory:');
  const store = new MetricsStore(db);
  store.write([sample(1_000), sample(2_000)], [{ proxy: 'mc', upstream: '10.0.0.1:1', tsMs: 1_000, intervalMs: 10, healthy: true, active: 1, connections: 1, bytesIn: 1, bytesOut: 1 }], 0);
  const { pruned } = store.write([sample(10_000)], [], 1_500);
  assert.equal(pruned, 1);
  assert.deepEqual(db.prepare('SELECT ts_ms FROM proxy_samples ORDER BY ts_ms').pluck().all(), [2_000, 10_000]);
  assert.equal(db.prepare('SELECT COUNT(*) FROM upstream_samples').pluck().get(), 0);
  db.close();
});

test('history returns the newest `limit` points within the window, oldest first', () => {
  const db = openStateDatabase(':memory:');
  const store = new MetricsStore(db);
  store.write([1, 2, 3, 4, 5].map((i) => sample(i * 10_000, { bytesIn: i })), [], 0);
  store.write([sample(60_000, { proxy: 'other' })], [], 0);
  const points = store.history({ proxy: 'mc', sinceMs: 20_000, limit: 3, stepMs: null });
  assert.deepEqual(points.map((p) => p.tsMs), [30_000, 40_000, 50_000]);
  assert.deepEqual(points.map((p) => p.bytesIn), [3, 4, 5]);
  assert.equal(points[0]!.running, true);
  assert.equal(points[0]!.activeConnections, 3);
  db.close();
});

test('a step sums the deltas and keeps the peak of the levels', () => {
  const db = openStateDatabase(':memory:');
  const store = new MetricsStore(db);
  store.write([
    sample(60_000, { bytesIn: 10, activeTcp: 1, upstreamsHealthy: 2 }),
    sample(70_000, { bytesIn: 20, activeTcp: 5, upstreamsHealthy: 1, suspended: true }),
    sample(130_000, { bytesIn: 40, activeTcp: 2 }),
  ], [], 0);
  const points = store.history({ proxy: 'mc', sinceMs: 0, limit: 10, stepMs: 60_000 });
  assert.deepEqual(points.map((p) => [p.tsMs, p.samples, p.bytesIn, p.activeTcp, p.intervalMs, p.upstreamsHealthy, p.suspended]), [
    [60_000, 2, 30, 5, 20_000, 1, true],
    [120_000, 1, 40, 2, 10_000, 1, false],
  ]);
  db.close();
});
