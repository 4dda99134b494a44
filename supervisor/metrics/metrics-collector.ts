import { entriesOf, type CounterValues } from '../../shared/counters/counters.js';
import type { CounterScope } from '../../shared/counters/counter-spec.js';
import type { BandwidthManager } from '../bandwidth/bandwidth-manager.js';
import { PERIODS } from '../bandwidth/quota-periods.js';
import { bandwidthValues, iptablesValues, l7EventValues, l7ReasonValues, proxyValues, routeValues, supervisorValues, upstreamValues, type SupervisorInputs } from '../stats/supervisor-values.js';
import type { DropCount } from '../firewall/kernel-view.js';
import { kindLabel } from '../firewall/rule-kinds.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { MetricValues, MetricsModel, ProxyMetrics } from './metrics-model.js';

export type NamedController = ProxyController & { name: string };

export function isNamed(controller: ProxyController): controller is NamedController {
  return controller.name !== undefined;
}

/** Values by table name → values by metric key. */
export function byKey<S extends CounterScope>(scope: S, values: CounterValues<S>): MetricValues {
  const named = values as Record<string, number>;
  return Object.fromEntries(entriesOf(scope).map((e) => [e.spec.key, named[e.name] ?? 0]));
}

/** Counts by name, sorted by name: every format lists them in the same order. */
function byName(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What the kernel dropped for a proxy, per rule kind (FirewallManager.drops). */
export type DropSource = (proxy: string) => DropCount[];

const noDrops: DropSource = () => [];

/** A proxy's live values (counters since the supervisor started), its bandwidth periods and kernel drops. */
export function proxyMetrics(controller: NamedController, bandwidth: BandwidthManager, drops: DropSource = noDrops): ProxyMetrics {
  const usage = bandwidth.usage(controller);
  return {
    proxy: controller.name,
    values: byKey('proxy', proxyValues(controller)),
    upstreams: [...controller.stats.upstreams].map(([upstream, u]) => ({ upstream, values: byKey('upstream', upstreamValues(u)) })),
    routes: [...controller.stats.routes].map(([route, r]) => ({ route, values: byKey('route', routeValues(r)) })),
    bandwidth: PERIODS.map((period) => ({ period, values: byKey('bandwidth', bandwidthValues(usage, period)) })),
    iptables: drops(controller.name).map((drop) => ({ kind: kindLabel(drop.kind), values: byKey('iptables', iptablesValues(drop)) })),
    l7Reasons: byName(controller.stats.l7Blocked).map(([reason, n]) => ({ reason, values: byKey('l7_reason', l7ReasonValues(n)) })),
    l7Events: byName(controller.stats.l7Events).map(([event, n]) => ({ event, values: byKey('l7_event', l7EventValues(n)) })),
  };
}

/** Every proxy with a name (a file that was never valid has none), sorted by name, plus supervisor values. */
export function collectMetrics(
  controllers: ProxyController[],
  bandwidth: BandwidthManager,
  reloadErrors: number,
  atMs: number,
  inputs: SupervisorInputs = { bansActive: 0, clusterConnected: 0, eventLoopLagMs: 0 },
  drops: DropSource = noDrops,
): MetricsModel {
  const named = controllers.filter(isNamed).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    atMs,
    supervisor: byKey('supervisor', supervisorValues({ controllers, reloadErrors, ...inputs })),
    proxies: named.map((c) => proxyMetrics(c, bandwidth, drops)),
  };
}

export function collectProxyMetrics(controller: NamedController, bandwidth: BandwidthManager, atMs: number, drops: DropSource = noDrops): MetricsModel {
  return { atMs, supervisor: null, proxies: [proxyMetrics(controller, bandwidth, drops)] };
}
