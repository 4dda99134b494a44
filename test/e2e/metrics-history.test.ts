import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ADMIN_KEY, METRICS_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { tcpRoundTrip } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { metricsGlobalYaml } from '../helpers/metrics-global.js';

const HOUR = 3_600_000;

function historySum(points: { bytes_in: number }[]): number {
  return points.reduce((sum, p) => sum + p.bytes_in, 0);
}

test('a restarted supervisor keeps the history and the bandwidth usage; rows past the retention go at the next flush', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'routex-state-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const sqlitePath = path.join(stateDir, 'routex.db');
  const port = await freePort();
  const options = {
    globalYaml: metricsGlobalYaml({ sqlitePath, flushSeconds: 1, retentionHours: 1, timezone: 'America/New_York' }),
    proxies: { 'alpha.yaml': proxyYaml({ name: 'alpha', originPorts: [port], destPorts: [backend.port] }) },
    waitForRunning: ['alpha'],
  };

  const first = await SupervisorProcess.start(options);
  await tcpRoundTrip(port, Buffer.alloc(50_000, 7), 50_000);
  const recorded = await waitFor('a flushed sample with the 50,000 bytes', async () => {
    const body = (await first.api('GET', '/api/stats/proxy/alpha/history?hours=1', { key: READ_KEY })).body;
    return historySum(body.points) === 50_000 ? body : undefined;
  }, { timeoutMs: 5000 });
  assert.equal(recorded.metrics_enabled, true);
  assert.ok(recorded.points.every((p: any) => p.interval_seconds > 0));
  assert.equal(recorded.points.at(-1).running, true);
  await waitFor('bandwidth usage', async () => (await first.api('GET', '/api/bandwidth/proxy/alpha', { key: METRICS_KEY })).body.daily_used === 100_000);
  assert.equal(await first.stop(), 0);

  // A row from long ago, as an older run would have left it.
  const db = new BetterSqlite3(sqlitePath);
  const rowsBefore = db.prepare("SELECT COUNT(*) FROM proxy_samples WHERE proxy = 'alpha'").pluck().get() as number;
  // The columns of the first schema; columns added for later counters default to 0.
  const columns = 'proxy, ts_ms, interval_ms, bytes_in, bytes_out, connections, udp_sessions, acl_denied, no_healthy_upstream, udp_dropped, suspended_refused, active_tcp, active_udp_sessions, upstreams_healthy, upstreams_total, running, suspended';
  db.prepare(`INSERT INTO proxy_samples (${columns}) VALUES ('alpha', ?, 10000, 999, 999, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0)`).run(Date.now() - 2 * HOUR);
  db.close();

  const second = await SupervisorProcess.start(options);
  t.after(() => second.stop());
  const usage = (await second.api('GET', '/api/bandwidth/proxy/alpha', { key: METRICS_KEY })).body;
  assert.equal(usage.daily_used, 100_000, 'usage survived the restart');
  assert.equal(usage.inbound_bytes, 50_000);
  assert.equal(usage.timezone, 'America/New_York');
  assert.match(usage.periods.daily.start, /T00:00:00\.000-0[45]:00$/);
  const history = (await second.api('GET', '/api/stats/proxy/alpha/history?hours=1', { key: READ_KEY })).body;
  assert.ok(history.points.length >= rowsBefore, 'the first run\'s rows are there');
  assert.equal(historySum(history.points), 50_000);

  await waitFor('the row older than retention_hours to be pruned', () => {
    const reader = new BetterSqlite3(sqlitePath, { readonly: true });
    try {
      return reader.prepare('SELECT COUNT(*) FROM proxy_samples WHERE ts_ms < ?').pluck().get(Date.now() - HOUR) === 0;
    } finally {
      reader.close();
    }
  }, { timeoutMs: 5000 });
  const reader = new BetterSqlite3(sqlitePath, { readonly: true });
  t.after(() => reader.close());
  assert.ok((reader.prepare("SELECT COUNT(*) FROM proxy_samples WHERE proxy = 'alpha'").pluck().get() as number) >= rowsBefore, 'only the old row went');
  assert.equal(reader.pragma('journal_mode', { simple: true }), 'wal');
});

test('history: newest points first cut, returned oldest first; step downsamples; bad values are 400, unknown proxies 404', async (t) => {
  const sup = await SupervisorProcess.start({
    globalYaml: metricsGlobalYaml({ flushSeconds: 1 }),
    proxies: { 'alpha.yaml': proxyYaml({ name: 'alpha', originPorts: [await freePort()], destPorts: [1] }) },
    waitForRunning: ['alpha'],
  });
  t.after(() => sup.stop());
  const all = await waitFor('four samples', async () => {
    const body = (await sup.api('GET', '/api/stats/proxy/alpha/history', { key: ADMIN_KEY })).body;
    return body.count >= 4 ? body.points : undefined;
  }, { timeoutMs: 8000 });
  const limited = (await sup.api('GET', '/api/stats/proxy/alpha/history?limit=2', { key: ADMIN_KEY })).body;
  assert.equal(limited.count, 2);
  assert.ok(limited.points[0].timestamp < limited.points[1].timestamp, 'oldest first');
  assert.ok(limited.points[0].timestamp >= all.at(-2).timestamp, 'the newest two');
  const stepped = (await sup.api('GET', '/api/stats/proxy/alpha/history?step=3600', { key: ADMIN_KEY })).body;
  assert.ok(stepped.count <= 2 && stepped.points[0].samples >= 1);
  assert.equal(stepped.step_seconds, 3600);
  for (const bad of ['hours=0', 'hours=abc', 'limit=0', 'limit=1.5', 'step=0']) {
    assert.equal((await sup.api('GET', `/api/stats/proxy/alpha/history?${bad}`, { key: ADMIN_KEY })).status, 400, bad);
  }
  assert.equal((await sup.api('GET', '/api/stats/proxy/nope/history', { key: ADMIN_KEY })).status, 404);
});
