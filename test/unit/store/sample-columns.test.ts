import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../../supervisor/store/migrations.js';
import { MetricsStore } from '../../../supervisor/store/metrics-store.js';
import { addCounterColumns, PROXY_COLUMNS } from '../../../supervisor/store/sample-columns.js';

test('a database from before a counter existed gets its column, and its old rows read 0 for it', () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db, MIGRATIONS);
  const columns = 'proxy, ts_ms, interval_ms, bytes_in, bytes_out, connections, udp_sessions, acl_denied, no_healthy_upstream, udp_dropped, suspended_refused, active_tcp, active_udp_sessions, upstreams_healthy, upstreams_total, running, suspended';
  db.prepare(`INSERT INTO proxy_samples (${columns}) VALUES ('mc', 1000, 1000, 5, 6, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0)`).run();
  assert.ok(addCounterColumns(db).includes('proxy_samples.worker_restarts'), 'worker_restarts came after the first schema');
  assert.deepEqual(addCounterColumns(db), [], 'nothing to add the second time');
  const store = new MetricsStore(db);
  store.write([{ proxy: 'mc', tsMs: 2000, intervalMs: 1000, bytesIn: 7, workerRestarts: 2 }], [], 0);
  const points = store.history({ proxy: 'mc', sinceMs: 0, limit: 10, stepMs: null });
  assert.deepEqual(points.map((p) => [p.bytesIn, p.workerRestarts]), [[5, 0], [7, 2]]);
  db.close();
});

test('every proxy value with a history column is one the migrations or the counter table created', () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db, MIGRATIONS);
  const added = addCounterColumns(db);
  const present = new Set((db.prepare('PRAGMA table_info(proxy_samples)').all() as { name: string }[]).map((c) => c.name));
  for (const { column } of PROXY_COLUMNS) assert.ok(present.has(column), column);
  assert.ok(added.every((name) => name.startsWith('proxy_samples.') || name.startsWith('upstream_samples.')));
  db.close();
});
