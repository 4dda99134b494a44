import { familiesOf, type MetricScope } from './metric-families.js';
import { totalsOf, type MetricValues, type MetricsModel } from './metrics-model.js';

export const INFLUX_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** Measurement names: commas and spaces are escaped. */
function escapeMeasurement(text: string): string {
  return text.replace(/[\\, ]/g, '\\$&').replace(/\n/g, '\\n');
}

/** Tag keys, tag values and field keys: commas, equals signs and spaces are escaped. */
export function escapeKey(text: string): string {
  return text.replace(/[\\,= ]/g, '\\$&').replace(/\n/g, '\\n');
}

function fields(scope: MetricScope, values: MetricValues, extra: [string, number][] = []): string {
  const families = familiesOf(scope);
  const fractional = new Set(families.filter((f) => f.fractional === true).map((f) => f.key));
  const pairs: [string, number][] = [...families.map((f): [string, number] => [f.key, values[f.key] ?? 0]), ...extra];
  return pairs.map(([key, value]) => `${escapeKey(key)}=${fractional.has(key) ? String(value) : `${Math.trunc(value)}i`}`).join(',');
}

function line(measurement: string, tags: [string, string][], fieldSet: string, timestamp: string): string {
  // Tags sorted by key (InfluxDB's advice); an empty tag value is not allowed, so it is left out.
  const tagText = tags
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `,${escapeKey(key)}=${escapeKey(value)}`)
    .join('');
  return `${escapeMeasurement(measurement)}${tagText} ${fieldSet} ${timestamp}`;
}

/**
 * InfluxDB line protocol, one line per measurement: `routex` (supervisor values and totals
 * across proxies, global model only), `routex_proxy`, `routex_upstream`, `routex_route`, `routex_bandwidth`,
 * `routex_iptables` (kernel drops per rule kind), `routex_l7_reason` (L7 blocks, tag `reason`),
 * `routex_l7_event` (L7 events, tag `event`).
 * Every field is an integer (`42i`) but durations in seconds (a float, `0.012`); the timestamp is in nanoseconds.
 */
export function renderInflux(model: MetricsModel): string {
  const timestamp = (BigInt(model.atMs) * 1_000_000n).toString();
  const lines: string[] = [];
  if (model.supervisor !== null) {
    const totals = Object.entries(totalsOf(model));
    lines.push(line('routex', [], fields('supervisor', model.supervisor, totals), timestamp));
  }
  for (const p of model.proxies) {
    lines.push(line('routex_proxy', [['proxy', p.proxy]], fields('proxy', p.values), timestamp));
    for (const u of p.upstreams) lines.push(line('routex_upstream', [['proxy', p.proxy], ['upstream', u.upstream]], fields('upstream', u.values), timestamp));
    for (const r of p.routes ?? []) lines.push(line('routex_route', [['proxy', p.proxy], ['route', r.route]], fields('route', r.values), timestamp));
    for (const b of p.bandwidth) lines.push(line('routex_bandwidth', [['proxy', p.proxy], ['period', b.period]], fields('bandwidth', b.values), timestamp));
    for (const k of p.iptables) lines.push(line('routex_iptables', [['proxy', p.proxy], ['kind', k.kind]], fields('iptables', k.values), timestamp));
    for (const r of p.l7Reasons) lines.push(line('routex_l7_reason', [['proxy', p.proxy], ['reason', r.reason]], fields('l7_reason', r.values), timestamp));
    for (const e of p.l7Events) lines.push(line('routex_l7_event', [['proxy', p.proxy], ['event', e.event]], fields('l7_event', e.values), timestamp));
  }
  return lines.map((l) => `${l}\n`).join('');
}
