import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsConfig, ProxyConfig } from '../../../shared/config/resolved-types.js';
import type { Logger } from '../../../supervisor/logging/logger.js';
import { MetricsRecorder } from '../../../supervisor/metrics/metrics-recorder.js';
import { MetricsStore } from '../../../supervisor/store/metrics-store.js';
import { openStateDatabase } from '../../../supervisor/store/state-database.js';
import { ProxyController } from '../../../supervisor/workers/proxy-controller.js';
import { zeroWorkerValues } from '../../../shared/counters/counters.js';

const quiet = { child: () => quiet, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

function controller(name: string): ProxyController {
  const c = new ProxyController(`/configs/${name}.yaml`, quiet, () => {
    throw new Error('no workers in this test');
  });
  c.config = { name, upstreams: [{ ip: '10.0.0.1', port: 25565 }] } as unknown as ProxyConfig;
  return c;
}

function setup(enabled = true) {
  const db = openStateDatabase(':memory:');
  const clock = { ms: 1_000_000, now() { return this.ms; } };
  const config: MetricsConfig = { enabled, retentionHours: 1, flushIntervalSeconds: 10, sqlitePath: ':memory:', formats: ['json'] };
  const mc = controller('mc');
  const recorder = new MetricsRecorder(() => [mc], new MetricsStore(db), () => config, quiet, clock);
  const rows = () => db.prepare('SELECT * FROM proxy_samples ORDER BY ts_ms').all() as any[];
  const upstreamRows = () => db.prepare('SELECT * FROM upstream_samples ORDER BY ts_ms').all() as any[];
  return { db, clock, config, mc, recorder, rows, upstreamRows };
}

test('each flush stores the deltas since the previous one and the levels now', () => {
  const { clock, mc, recorder, rows, upstreamRows } = setup();
  mc.stats.totals.bytesIn = 1000;
  mc.stats.totals.bytesOut = 3000;
  mc.stats.totals.tcpConnections = 2;
  mc.stats.upstreams.set('10.0.0.1:25565', { ...zeroWorkerValues('upstream'), ip: '10.0.0.1', port: 25565, healthy: true, active: 1, opened: 2, bytesIn: 1000, bytesOut: 3000 });
  clock.ms += 10_000;
  recorder.flush();
  mc.stats.totals.bytesIn = 1500;
  mc.stats.totals.udpSessionsTotal = 4;
  clock.ms += 10_000;
  recorder.flush();
  const [first, second] = rows();
  assert.deepEqual([first.bytes_in, first.bytes_out, first.connections, first.interval_ms, first.upstreams_total, first.upstreams_healthy], [1000, 3000, 2, 10_000, 1, 1]);
  assert.deepEqual([second.bytes_in, second.bytes_out, second.connections, second.udp_sessions], [500, 0, 4, 4]);
  assert.equal(second.running, 0, 'the test controller never started');
  assert.equal(upstreamRows()[0].bytes_out, 3000);
  assert.equal(upstreamRows()[1].bytes_out, 0);
});

test('a flush prunes rows older than retention_hours', () => {
  const { db, clock, recorder, rows } = setup();
  new MetricsStore(db).write([{ proxy: 'mc', tsMs: clock.ms - 3_600_001 + 10_000, intervalMs: 1 }], [], 0);
  clock.ms += 10_000;
  recorder.flush();
  assert.equal(rows().length, 1);
  assert.equal(rows()[0].ts_ms, clock.ms);
});

test('with metrics.enabled false nothing is written, and enabling later starts from then', () => {
  const { clock, config, mc, recorder, rows } = setup(false);
  mc.stats.totals.bytesIn = 5000;
  clock.ms += 10_000;
  recorder.flush();
  assert.equal(rows().length, 0);
  config.enabled = true;
  mc.stats.totals.bytesIn = 5100;
  clock.ms += 10_000;
  recorder.flush();
  assert.equal(rows()[0].bytes_in, 100);
});

test('stop writes the last interval', () => {
  const { clock, mc, recorder, rows } = setup();
  recorder.start();
  mc.stats.totals.bytesOut = 42;
  clock.ms += 1_234;
  recorder.stop();
  assert.deepEqual([rows()[0].bytes_out, rows()[0].interval_ms], [42, 1_234]);
});
