import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCsv } from '../../../supervisor/metrics/csv-format.js';
import { renderInflux, escapeKey } from '../../../supervisor/metrics/influx-format.js';
import { renderJson } from '../../../supervisor/metrics/json-format.js';
import { METRIC_FAMILIES } from '../../../supervisor/metrics/metric-families.js';
import type { MetricsModel, ProxyMetrics } from '../../../supervisor/metrics/metrics-model.js';
import { renderPrometheus } from '../../../supervisor/metrics/prometheus-format.js';
import { csvRecords, parseCsv, parseInflux, parsePrometheus, promSum } from '../../helpers/metrics-parsers.js';

function proxy(name: string, n: number): ProxyMetrics {
  return {
    proxy: name,
    values: { running: 1, active_connections: n, active_tcp_connections: n, udp_sessions: 0, total_connections: 10 * n, udp_sessions_total: 0, bytes_in: 1000 * n, bytes_out: 2000 * n, worker_restarts: n },
    upstreams: [{ upstream: `10.0.0.${n}:25565`, values: { active_connections: n, healthy: 1, total_connections: 10 * n, bytes_in: 1000 * n, bytes_out: 2000 * n } }],
    bandwidth: (['hourly', 'daily', 'weekly', 'monthly'] as const).map((period) => ({ period, values: { used_bytes: 3000 * n, limit_bytes: period === 'daily' ? 1_048_576 : 0 } })),
    iptables: [{ kind: 'syn_rate', values: { dropped_packets: 1900 * n, dropped_bytes: 114_000 * n } }],
    l7Reasons: [{ reason: 'invalid_protocol', values: { l7_blocked_by_reason: 4 * n } }],
    l7Events: [{ event: 'handshake_timeout', values: { l7_events: 5 * n } }],
  };
}

const model: MetricsModel = {
  atMs: Date.parse('2026-03-08T12:00:00.123Z'),
  supervisor: { proxy_count: 3, proxies_running: 2, config_reload_errors: 4, bans_active: 0 },
  proxies: [proxy('alpha', 1), proxy('beta', 2)],
};

test('Prometheus: HELP and TYPE once per family, in the defined order, counters ending in _total', async () => {
  const text = await renderPrometheus(model);
  const help = [...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]);
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(help, METRIC_FAMILIES.map((f) => f.name));
  assert.deepEqual(types, METRIC_FAMILIES.map((f) => [f.name, f.type]));
  for (const [name, type] of types) assert.equal(name!.endsWith('_total'), type === 'counter', `${name} is a ${type}`);
  const samples = parsePrometheus(text);
  assert.equal(promSum(samples, 'routex_bytes_in_total'), 3000);
  assert.equal(promSum(samples, 'routex_bytes_in_total', { proxy: 'beta' }), 2000);
  assert.equal(promSum(samples, 'routex_upstream_healthy', { proxy: 'alpha', upstream: '10.0.0.1:25565' }), 1);
  assert.equal(promSum(samples, 'routex_bandwidth_limit_bytes', { proxy: 'alpha', period: 'daily' }), 1_048_576);
  assert.equal(promSum(samples, 'routex_iptables_dropped_packets_total', { proxy: 'beta', kind: 'syn_rate' }), 3800);
  assert.equal(promSum(samples, 'routex_config_reload_errors_total'), 4);
  assert.equal(await renderPrometheus(model), text, 'the same reading renders the same text');
});

test('Prometheus: label values are escaped', async () => {
  const odd = { ...model, proxies: [{ ...proxy('alpha', 1), upstreams: [{ upstream: 'a"b\\c\nd', values: { healthy: 1 } }] }] };
  const text = await renderPrometheus(odd);
  assert.ok(text.includes('upstream="a\\"b\\\\c\\nd"'), text);
  assert.equal(parsePrometheus(text).find((s) => s.name === 'routex_upstream_healthy')?.labels.upstream, 'a"b\\c\nd');
});

test('Prometheus: a single proxy leaves out the supervisor families', async () => {
  const text = await renderPrometheus({ atMs: 0, supervisor: null, proxies: [proxy('alpha', 1)] });
  assert.ok(!text.includes('routex_proxies '));
  assert.ok(!text.includes('routex_config_reload_errors_total'));
  assert.ok(text.includes('routex_bytes_out_total{proxy="alpha"} 2000'));
});

test('Influx: measurements with sorted tags, integer fields with i, one nanosecond timestamp', () => {
  const text = renderInflux(model);
  assert.ok(text.endsWith('\n'));
  const lines = parseInflux(text);
  const perProxy = ['routex_proxy', 'routex_upstream', ...Array(4).fill('routex_bandwidth'), 'routex_iptables', 'routex_l7_reason', 'routex_l7_event'];
  assert.deepEqual(lines.map((l) => l.measurement), ['routex', ...perProxy, ...perProxy]);
  assert.ok(lines.every((l) => l.timestamp === 1772971200123000000n));
  assert.equal(lines[0]!.fields.bytes_in, 3000);
  assert.equal(lines[0]!.fields.proxy_count, 3);
  assert.deepEqual(lines[1]!.tags, { proxy: 'alpha' });
  assert.match(text, /^routex_bandwidth,period=hourly,proxy=alpha used_bytes=3000i,limit_bytes=0i \d+$/m);
  assert.match(text, /^routex_iptables,kind=syn_rate,proxy=alpha dropped_packets=1900i,dropped_bytes=114000i \d+$/m);
  assert.match(text, /^routex_l7_event,event=handshake_timeout,proxy=beta l7_events=10i \d+$/m);
});

test('Influx: commas, equals signs and spaces are escaped in tags and keys', () => {
  assert.equal(escapeKey('a b,c=d'), 'a\\ b\\,c\\=d');
  const odd = { atMs: 0, supervisor: null, proxies: [{ ...proxy('alpha', 1), upstreams: [{ upstream: 'x y,z=1', values: { healthy: 1 } }] }] };
  const line = renderInflux(odd).split('\n').find((l) => l.startsWith('routex_upstream'))!;
  assert.ok(line.startsWith('routex_upstream,proxy=alpha,upstream=x\\ y\\,z\\=1 '), line);
  assert.deepEqual(parseInflux(line)[0]!.tags, { proxy: 'alpha', upstream: 'x y,z=1' });
});

test('CSV: RFC 4180 with CRLF records, a header, and quoting where needed', () => {
  const routes = [{ route: '*.example.net', values: { connections: 7 } }];
  const text = renderCsv({ ...model, proxies: [{ ...proxy('alpha', 1), upstreams: [{ upstream: 'a,"b"', values: { healthy: 1 } }], routes }] });
  assert.ok(text.startsWith('metric,scope,proxy,upstream,period,kind,route,value\r\n'));
  assert.ok(text.includes('healthy,upstream,alpha,"a,""b""",,,,1\r\n'));
  assert.ok(text.includes('connections,route,alpha,,,,*.example.net,7\r\n'));
  const records = csvRecords(text);
  assert.equal(records.find((r) => r.metric === 'bytes_in' && r.scope === 'global')?.value, '1000');
  assert.equal(records.find((r) => r.metric === 'used_bytes' && r.period === 'weekly')?.value, '3000');
  assert.equal(records.find((r) => r.metric === 'dropped_packets' && r.kind === 'syn_rate' && r.proxy === 'alpha')?.value, '1900');
  assert.ok(text.includes('l7_blocked_by_reason,l7_reason,alpha,,,invalid_protocol,,4\r\n'));
  assert.ok(parseCsv(text).every((row) => row.length === 8));
});

test('JSON: the spec\'s top-level totals, supervisor values and one object per proxy', () => {
  const json = renderJson(model) as any;
  assert.equal(json.timestamp, '2026-03-08T12:00:00.123Z');
  assert.equal(json.active_connections, 3);
  assert.equal(json.total_connections, 30);
  assert.equal(json.bytes_out, 6000);
  assert.equal(json.proxy_count, 3);
  assert.deepEqual(json.proxies.map((p: any) => p.proxy), ['alpha', 'beta']);
  assert.equal(json.proxies[1].upstreams[0].bytes_in, 2000);
  assert.deepEqual(json.proxies[0].bandwidth.daily, { used_bytes: 3000, limit_bytes: 1_048_576 });
  assert.equal(json.proxies[0].l7_blocked, 0, 'families without a value render 0');
  const single = renderJson({ atMs: 0, supervisor: null, proxies: [proxy('beta', 2)] }) as any;
  assert.equal(single.proxy, 'beta');
  assert.equal(single.bytes_in, 2000);
  assert.equal(single.proxies, undefined);
});

test('the four formats agree on every total', async () => {
  const json = renderJson(model) as any;
  const prom = parsePrometheus(await renderPrometheus(model));
  const influx = parseInflux(renderInflux(model)).find((l) => l.measurement === 'routex')!;
  const csv = csvRecords(renderCsv(model)).filter((r) => r.scope === 'global');
  for (const family of METRIC_FAMILIES.filter((f) => f.total === true)) {
    const expected = json[family.key];
    assert.equal(promSum(prom, family.name), expected, family.name);
    assert.equal(influx.fields[family.key], expected, family.key);
    assert.equal(Number(csv.find((r) => r.metric === family.key)?.value), expected, family.key);
  }
});
