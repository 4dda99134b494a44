import { familiesOf, type MetricScope } from './metric-families.js';
import { totalsOf, type MetricValues, type MetricsModel, type ProxyMetrics } from './metrics-model.js';

function pick(scope: MetricScope, values: MetricValues): MetricValues {
  return Object.fromEntries(familiesOf(scope).map((f) => [f.key, values[f.key] ?? 0]));
}

function proxyJson(p: ProxyMetrics) {
  return {
    proxy: p.proxy,
    ...pick('proxy', p.values),
    upstreams: p.upstreams.map((u) => ({ upstream: u.upstream, ...pick('upstream', u.values) })),
    routes: (p.routes ?? []).map((r) => ({ route: r.route, ...pick('route', r.values) })),
    bandwidth: Object.fromEntries(p.bandwidth.map((b) => [b.period, pick('bandwidth', b.values)])),
    iptables: Object.fromEntries(p.iptables.map((k) => [k.kind, pick('iptables', k.values)])),
    l7_reason: Object.fromEntries(p.l7Reasons.map((r) => [r.reason, pick('l7_reason', r.values)])),
    l7_event: Object.fromEntries(p.l7Events.map((e) => [e.event, pick('l7_event', e.values)])),
  };
}

/**
 * JSON: the spec's top-level keys (`active_connections`, `bytes_in`, …, totals across proxies)
 * with the supervisor values, then one object per proxy. Flags (`running`, `healthy`) are 0/1
 * as in the other formats.
 */
export function renderJson(model: MetricsModel) {
  const timestamp = new Date(model.atMs).toISOString();
  if (model.supervisor === null) {
    const [only] = model.proxies;
    return { timestamp, ...(only === undefined ? {} : proxyJson(only)) };
  }
  return { timestamp, ...pick('supervisor', model.supervisor), ...totalsOf(model), proxies: model.proxies.map(proxyJson) };
}
