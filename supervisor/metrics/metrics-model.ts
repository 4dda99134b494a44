import type { Period } from '../bandwidth/quota-periods.js';
import { METRIC_FAMILIES, type MetricFamily } from './metric-families.js';

export type MetricValues = Record<string, number>;

export interface ProxyMetrics {
  proxy: string;
  values: MetricValues;
  upstreams: { upstream: string; values: MetricValues }[];
  /** Per route (the default route included); absent in models built before routes existed. */
  routes?: { route: string; values: MetricValues }[];
  bandwidth: { period: Period; values: MetricValues }[];
  /** Per kind of kernel rule the proxy has or had (`syn_rate`, …); empty without iptables. */
  iptables: { kind: string; values: MetricValues }[];
  /** The proxy's L7 blocks per reason and events per type (only those that happened), by name. */
  l7Reasons: { reason: string; values: MetricValues }[];
  l7Events: { event: string; values: MetricValues }[];
}

/**
 * One reading of every metric: what all four formats render. `supervisor` is null when the
 * model covers a single proxy (`/metrics/proxy/{name}`).
 */
export interface MetricsModel {
  atMs: number;
  supervisor: MetricValues | null;
  proxies: ProxyMetrics[];
}

export type SampleLabels = { proxy?: string; upstream?: string; route?: string; period?: string; kind?: string; reason?: string; event?: string };

export interface Sample {
  labels: SampleLabels;
  value: number;
}

/** The label names of a family's samples, in the order every format writes them. */
export function labelNamesOf(family: MetricFamily): (keyof SampleLabels)[] {
  switch (family.scope) {
    case 'supervisor':
      return [];
    case 'proxy':
      return ['proxy'];
    case 'upstream':
      return ['proxy', 'upstream'];
    case 'route':
      return ['proxy', 'route'];
    case 'bandwidth':
      return ['proxy', 'period'];
    case 'iptables':
      return ['proxy', 'kind'];
    case 'l7_reason':
      return ['proxy', 'reason'];
    case 'l7_event':
      return ['proxy', 'event'];
  }
}

/** A family's samples in a stable order: proxies by name, upstreams, routes, periods and rule kinds as listed. */
export function samplesOf(model: MetricsModel, family: MetricFamily): Sample[] {
  const value = (values: MetricValues): number => values[family.key] ?? 0;
  switch (family.scope) {
    case 'supervisor':
      return model.supervisor === null ? [] : [{ labels: {}, value: value(model.supervisor) }];
    case 'proxy':
      return model.proxies.map((p) => ({ labels: { proxy: p.proxy }, value: value(p.values) }));
    case 'upstream':
      return model.proxies.flatMap((p) => p.upstreams.map((u) => ({ labels: { proxy: p.proxy, upstream: u.upstream }, value: value(u.values) })));
    case 'route':
      return model.proxies.flatMap((p) => (p.routes ?? []).map((r) => ({ labels: { proxy: p.proxy, route: r.route }, value: value(r.values) })));
    case 'bandwidth':
      return model.proxies.flatMap((p) => p.bandwidth.map((b) => ({ labels: { proxy: p.proxy, period: b.period }, value: value(b.values) })));
    case 'iptables':
      return model.proxies.flatMap((p) => p.iptables.map((k) => ({ labels: { proxy: p.proxy, kind: k.kind }, value: value(k.values) })));
    case 'l7_reason':
      return model.proxies.flatMap((p) => p.l7Reasons.map((r) => ({ labels: { proxy: p.proxy, reason: r.reason }, value: value(r.values) })));
    case 'l7_event':
      return model.proxies.flatMap((p) => p.l7Events.map((e) => ({ labels: { proxy: p.proxy, event: e.event }, value: value(e.values) })));
  }
}

/** The proxy metrics summed across proxies (families marked `total`), keyed like the proxy values. */
export function totalsOf(model: MetricsModel): MetricValues {
  const totals: MetricValues = {};
  for (const family of METRIC_FAMILIES) {
    if (family.scope !== 'proxy' || family.total !== true) continue;
    totals[family.key] = model.proxies.reduce((sum, p) => sum + (p.values[family.key] ?? 0), 0);
  }
  return totals;
}
