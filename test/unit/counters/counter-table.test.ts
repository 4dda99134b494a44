// Walks the counter table against everything derived from it: a worker report carrying every
// worker-sourced value reaches the supervisor's totals, all four /metrics formats, the API views,
// the OpenAPI schemas, the SQLite history and the README. A value declared in the table but
// missing from any of them fails here, by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TObject } from '@sinclair/typebox';
import { COUNTER_ENTRIES, apiFieldOf, historyFieldOf, workerNames, type CounterEntry, type WorkerValues } from '../../../shared/counters/counters.js';
import { emptyAclCounts } from '../../../shared/acl/acl-counts.js';
import type { CounterReport } from '../../../shared/ipc/protocol.js';
import { BandwidthManager } from '../../../supervisor/bandwidth/bandwidth-manager.js';
import { collectMetrics } from '../../../supervisor/metrics/metrics-collector.js';
import { renderCsv } from '../../../supervisor/metrics/csv-format.js';
import { renderInflux } from '../../../supervisor/metrics/influx-format.js';
import { renderJson } from '../../../supervisor/metrics/json-format.js';
import { renderPrometheus } from '../../../supervisor/metrics/prometheus-format.js';
import { MetricsRecorder } from '../../../supervisor/metrics/metrics-recorder.js';
import { proxyView } from '../../../supervisor/api/views/proxy-view.js';
import { proxyStatsView } from '../../../supervisor/api/views/stats-view.js';
import { ProxySummary } from '../../../supervisor/api/schemas/proxy-schemas.js';
import { ProxyStatsSchema } from '../../../supervisor/api/schemas/system-schemas.js';
import { HistoryPoint, MetricsJson } from '../../../supervisor/api/schemas/metrics-schemas.js';
import { MetricsStore, HISTORY_VALUES } from '../../../supervisor/store/metrics-store.js';
import { PROXY_COLUMNS, UPSTREAM_COLUMNS } from '../../../supervisor/store/sample-columns.js';
import { BandwidthStore } from '../../../supervisor/store/bandwidth-store.js';
import { openStateDatabase } from '../../../supervisor/store/state-database.js';
import { renderMetricsReference, METRICS_SECTION } from '../../../supervisor/docs/metrics-reference.js';
import { sectionOf } from '../../../supervisor/docs/readme-section.js';
import { Logger } from '../../../supervisor/logging/logger.js';
import type { DropCount } from '../../../supervisor/firewall/kernel-view.js';
import { ProxyController } from '../../../supervisor/workers/proxy-controller.js';
import { csvRecords, parseInflux, parsePrometheus } from '../../helpers/metrics-parsers.js';
import { parseProxy } from '../config/config-fixtures.js';

const README = readFileSync(fileURLToPath(new URL('../../../../README.md', import.meta.url)), 'utf8');
const logger = Logger.create({ level: 'error', format: 'json', output: 'stdout', filePath: '', maxSizeMb: 1, maxBackups: 1 });
const UPSTREAM = '10.0.0.1:25565';

// Every worker-sourced value gets its own number, so a value read from the wrong field shows.
const PROXY_REPORTED: Record<string, number> = Object.fromEntries(workerNames('proxy').map((name, i) => [name, 101 + i]));
const UPSTREAM_REPORTED: Record<string, number> = Object.fromEntries(workerNames('upstream').map((name, i) => [name, 201 + i]));
/** What the kernel counted for mc's SynRate rules (the firewall is the source of these values). */
const IPTABLES_DROPS = { droppedPackets: 301, droppedBytes: 302 };
const ROUTE_REPORTED: Record<string, number> = Object.fromEntries(workerNames('route').map((name, i) => [name, 301 + i]));

function everyValueReport(): CounterReport {
  const proxy = PROXY_REPORTED as WorkerValues<'proxy'>;
  const upstream = UPSTREAM_REPORTED as WorkerValues<'upstream'>;
  const route = ROUTE_REPORTED as WorkerValues<'route'>;
  return { ...proxy, acl: emptyAclCounts(), l7: { blocked: { invalid_protocol: 401 }, events: { invalid_protocol: 402 } }, upstreams: [{ ip: '10.0.0.1', port: 25565, healthy: true, ...upstream }], routes: [{ route: 'default', ...route }] };
}

function world() {
  const parsed = parseProxy({ name: 'mc', 'dest-ip': '10.0.0.1', 'dest-port': 25565 });
  const controller = new ProxyController('/configs/mc.yaml', logger, () => {
    throw new Error('no workers in this test');
  });
  controller.config = parsed.config!;
  controller.stats.record(4242, everyValueReport());
  const db = openStateDatabase(':memory:');
  const clock = { ms: 1_800_000_000_000, now() { return this.ms; } };
  const bandwidth = new BandwidthManager({ list: () => [controller] }, new BandwidthStore(db), () => 'UTC', logger, clock);
  const drops = (proxy: string): DropCount[] => (proxy === 'mc' ? [{ proxy, kind: 'SynRate', packets: IPTABLES_DROPS.droppedPackets, bytes: IPTABLES_DROPS.droppedBytes }] : []);
  return { controller, db, clock, bandwidth, model: collectMetrics([controller], bandwidth, 3, clock.now(), { bansActive: 0, clusterConnected: 0, eventLoopLagMs: 0 }, drops) };
}

const named = (entry: CounterEntry): string => `${entry.scope}.${entry.name} (${entry.spec.prometheus})`;

/** What the worker reported for a worker-sourced value, or the sum of its parts. */
function reported(entry: CounterEntry): number | undefined {
  const source = entry.spec.source;
  const from = entry.scope === 'upstream' ? UPSTREAM_REPORTED : entry.scope === 'route' ? ROUTE_REPORTED : PROXY_REPORTED;
  if (entry.scope === 'iptables') return IPTABLES_DROPS[entry.name as keyof typeof IPTABLES_DROPS];
  if (entry.scope === 'l7_reason') return 401;
  if (entry.scope === 'l7_event') return 402;
  if (source === 'worker') return from[entry.name];
  if (typeof source !== 'string') return source.reduce((sum, part) => sum + from[part]!, 0);
  return undefined;
}

test('every worker-sourced value is reported by name and summed by the supervisor', () => {
  const { controller } = world();
  for (const name of workerNames('proxy')) assert.equal(controller.stats.value(name), reported(COUNTER_ENTRIES.find((e) => e.scope === 'proxy' && e.name === name)!), name);
  const upstream = controller.stats.upstreams.get(UPSTREAM)!;
  for (const name of workerNames('upstream')) assert.equal(upstream[name], reported(COUNTER_ENTRIES.find((e) => e.scope === 'upstream' && e.name === name)!), name);
});

test('every value is in all four /metrics formats, with the value the worker reported', async () => {
  const { model, db } = world();
  const json = renderJson(model) as Record<string, any>;
  const prom = parsePrometheus(await renderPrometheus(model));
  const influx = parseInflux(renderInflux(model));
  const csv = csvRecords(renderCsv(model));
  for (const entry of COUNTER_ENTRIES) {
    const { key, prometheus } = entry.spec;
    const where = {
      supervisor: { json: json, influx: 'routex', csv: 'global' },
      proxy: { json: json.proxies[0], influx: 'routex_proxy', csv: 'proxy' },
      upstream: { json: json.proxies[0].upstreams[0], influx: 'routex_upstream', csv: 'upstream' },
      route: { json: json.proxies[0].routes[0], influx: 'routex_route', csv: 'route' },
      bandwidth: { json: json.proxies[0].bandwidth.daily, influx: 'routex_bandwidth', csv: 'bandwidth' },
      iptables: { json: json.proxies[0].iptables.syn_rate, influx: 'routex_iptables', csv: 'iptables' },
      l7_reason: { json: json.proxies[0].l7_reason.invalid_protocol, influx: 'routex_l7_reason', csv: 'l7_reason' },
      l7_event: { json: json.proxies[0].l7_event.invalid_protocol, influx: 'routex_l7_event', csv: 'l7_event' },
    }[entry.scope];
    const jsonValue = where.json[key];
    assert.equal(typeof jsonValue, 'number', `JSON lacks ${named(entry)}`);
    const expected = reported(entry);
    if (expected !== undefined) assert.equal(jsonValue, expected, `JSON ${named(entry)}`);
    const promSamples = prom.filter((s) => s.name === prometheus);
    assert.ok(promSamples.length > 0, `Prometheus lacks ${named(entry)}`);
    assert.equal(promSamples[0]!.value, entry.scope === 'bandwidth' ? promSamples[0]!.value : jsonValue, `Prometheus ${named(entry)}`);
    const line = influx.find((l) => l.measurement === where.influx);
    assert.equal(line?.fields[key], entry.scope === 'bandwidth' ? line?.fields[key] : jsonValue, `Influx lacks ${named(entry)}`);
    assert.ok(line !== undefined && key in line.fields, `Influx lacks ${named(entry)}`);
    assert.ok(csv.some((r) => r.metric === key && r.scope === where.csv), `CSV lacks ${named(entry)}`);
    if (entry.spec.total === true) {
      assert.equal(json[key], jsonValue, `JSON total ${named(entry)}`);
      assert.ok(csv.some((r) => r.metric === key && r.scope === 'global'), `CSV total ${named(entry)}`);
    }
  }
  db.close();
});

test('every proxy, upstream and route value is in the API views and their OpenAPI schemas', () => {
  const { controller, db } = world();
  const view = proxyView(controller) as Record<string, unknown>;
  const stats = proxyStatsView(controller) as { upstreams: Record<string, unknown>[]; routes: Record<string, unknown>[] } & Record<string, unknown>;
  const schemaHas = (schema: TObject, field: string): boolean => field in schema.properties;
  const upstreamSchema = (ProxyStatsSchema.properties.upstreams as unknown as { items: TObject }).items;
  const routeSchema = (ProxyStatsSchema.properties.routes as unknown as { items: TObject }).items;
  for (const entry of COUNTER_ENTRIES.filter((e) => e.scope === 'proxy' || e.scope === 'upstream' || e.scope === 'route')) {
    const field = apiFieldOf(entry);
    const flag = entry.spec.unit === 'flag';
    const expected = reported(entry);
    if (entry.scope === 'proxy') {
      for (const [name, body, schema] of [['/api/proxies', view, ProxySummary], ['/api/stats/proxy', stats, ProxyStatsSchema]] as const) {
        assert.equal(typeof body[field], flag ? 'boolean' : 'number', `${name} lacks ${field} for ${named(entry)}`);
        if (expected !== undefined) assert.equal(body[field], expected, `${name} ${field}`);
        assert.ok(schemaHas(schema, field), `${name}'s OpenAPI schema lacks ${field}`);
      }
      assert.ok(schemaHas((MetricsJson.properties.proxies as unknown as { items: TObject }).items, entry.spec.key), `/metrics JSON schema lacks ${entry.spec.key}`);
    } else if (entry.scope === 'route') {
      assert.equal(stats.routes[0]![field], expected, `stats routes lack ${field}`);
      assert.ok(schemaHas(routeSchema, field), `the route OpenAPI schema lacks ${field}`);
    } else {
      assert.equal(typeof stats.upstreams[0]![field], flag ? 'boolean' : 'number', `stats upstreams lack ${field}`);
      if (expected !== undefined) assert.equal(stats.upstreams[0]![field], expected, `stats upstream ${field}`);
      assert.ok(schemaHas(upstreamSchema, field), `the upstream OpenAPI schema lacks ${field}`);
    }
  }
  for (const { entry } of HISTORY_VALUES) assert.ok(schemaHas(HistoryPoint, historyFieldOf(entry)), `the history schema lacks ${named(entry)}`);
  db.close();
});

test('every stored value has its SQLite column, is written at a flush and read back by the history', () => {
  const { controller, db, clock } = world();
  for (const [table, columns] of [['proxy_samples', PROXY_COLUMNS], ['upstream_samples', UPSTREAM_COLUMNS]] as const) {
    const present = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    for (const { column, entry } of columns) assert.ok(present.has(column), `${table} lacks ${column} for ${named(entry)}`);
  }
  const config = { enabled: true, retentionHours: 1, flushIntervalSeconds: 10, sqlitePath: ':memory:', formats: ['json' as const] };
  const start = clock.ms;
  const recorder = new MetricsRecorder(() => [controller], new MetricsStore(db), () => config, logger, clock);
  clock.ms += 10_000;
  recorder.flush();
  const row = db.prepare('SELECT * FROM proxy_samples').get() as Record<string, number>;
  for (const { column, entry } of PROXY_COLUMNS) {
    const expected = reported(entry);
    if (expected !== undefined) assert.equal(row[column], expected, `proxy_samples.${column}`);
  }
  const [point] = new MetricsStore(db).history({ proxy: 'mc', sinceMs: start, limit: 10, stepMs: null });
  for (const { field, entry } of HISTORY_VALUES) {
    const expected = reported(entry);
    if (expected !== undefined) assert.equal(point![field], expected, `history ${field} for ${named(entry)}`);
  }
  db.close();
});

test('the README\'s metrics table is generated from the table and has a row for every value', () => {
  const section = sectionOf(README, METRICS_SECTION);
  assert.equal(section, renderMetricsReference(), 'run `npm run docs` and commit README.md');
  for (const entry of COUNTER_ENTRIES) {
    const rows: string[] = section!.split('\n').filter((line) => line.startsWith(`| \`${entry.spec.prometheus}\` | ${entry.spec.kind} |`));
    assert.equal(rows.length, 1, `README has no row for ${named(entry)}`);
    assert.ok(rows[0]!.includes(`| \`${entry.spec.key}\` |`), `${named(entry)}: ${rows[0]}`);
  }
});

// Names users already scrape, query or store, from before the table. Do not add to this list:
// a new value's key is its name in snake_case and its Prometheus name follows the convention.
const LEGACY_NAMES = new Set(['supervisor.proxyCount', 'proxy.running', 'proxy.activeUdpSessions', 'proxy.totalConnections', 'proxy.upstreamsTotal', 'upstream.active', 'upstream.opened']);

test('names follow one convention: key = name in snake_case, Prometheus = routex_[scope_]key[_total]', () => {
  const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const seen = new Set<string>();
  for (const entry of COUNTER_ENTRIES) {
    const { key, prometheus, kind } = entry.spec;
    assert.ok(!seen.has(prometheus), `${prometheus} is declared twice`);
    seen.add(prometheus);
    assert.equal(prometheus.endsWith('_total'), kind === 'counter', `${named(entry)}: counters and only counters end in _total`);
    if (LEGACY_NAMES.has(`${entry.scope}.${entry.name}`)) continue;
    assert.equal(key, snake(entry.name), `${named(entry)}: key`);
    const prefix = entry.scope === 'upstream' || entry.scope === 'route' || entry.scope === 'bandwidth' || entry.scope === 'iptables' ? `routex_${entry.scope}_` : 'routex_';
    const expected = `${prefix}${key.replace(/^(upstream|route|bandwidth)_/, '')}${kind === 'counter' && !key.endsWith('_total') ? '_total' : ''}`;
    assert.equal(prometheus, expected, `${named(entry)}: Prometheus name`);
  }
});
