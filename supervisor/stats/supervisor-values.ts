// Every value of the counter table, as the supervisor reads it now. Worker-sourced values come
// from the proxy's stats, sums from their parts, and `source: 'supervisor'` values from the
// functions below: one per such entry, or the build fails.
import { entriesOf, sumPartsOf, type CounterValues, type SupervisorValueName, type WorkerCounterName } from '../../shared/counters/counters.js';
import type { CounterScope } from '../../shared/counters/counter-spec.js';
import type { BandwidthUsage } from '../bandwidth/bandwidth-manager.js';
import { usedBytes } from '../bandwidth/quota-check.js';
import type { Period } from '../bandwidth/quota-periods.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { RouteTotals, UpstreamTotals } from './proxy-stats.js';
import type { DropCount } from '../firewall/kernel-view.js';

type Computed<S extends CounterScope, Input> = { readonly [N in SupervisorValueName<S>]: (input: Input) => number };

/** Supervisor-scope inputs kept outside the fleet: the ban list and the cluster link. */
export interface SupervisorInputs {
  /** Entries on the ban list. */
  bansActive: number;
  /** 1 while this node is connected to the cluster's Redis. */
  clusterConnected: number;
  /** The worst event-loop delay of the last 10 s, in ms. */
  eventLoopLagMs: number;
}

/** What the supervisor-scope values are computed from. */
export interface SupervisorState extends SupervisorInputs {
  controllers: readonly ProxyController[];
  reloadErrors: number;
}

const SUPERVISOR: Computed<'supervisor', SupervisorState> = {
  proxyCount: (s) => s.controllers.length,
  proxiesRunning: (s) => s.controllers.filter((c) => c.state === 'running').length,
  configReloadErrors: (s) => s.reloadErrors,
  bansActive: (s) => s.bansActive,
  clusterConnected: (s) => s.clusterConnected,
  eventLoopLagSeconds: (s) => s.eventLoopLagMs / 1000,
};

/** Upstreams known and healthy; before the first counter report every configured one counts, healthy while running. */
export function upstreamHealth(controller: ProxyController): { healthy: number; total: number } {
  const reported = [...controller.stats.upstreams.values()];
  if (reported.length === 0) {
    const configured = controller.config?.upstreams.length ?? 0;
    return { healthy: controller.state === 'running' ? configured : 0, total: configured };
  }
  return { healthy: reported.filter((u) => u.healthy).length, total: reported.length };
}

const PROXY: Computed<'proxy', ProxyController> = {
  running: (c) => (c.state === 'running' ? 1 : 0),
  suspended: (c) => (c.suspendedReason === null ? 0 : 1),
  workerRestarts: (c) => c.restarts,
  upstreamsHealthy: (c) => upstreamHealth(c).healthy,
  upstreamsTotal: (c) => upstreamHealth(c).total,
};

const UPSTREAM: Computed<'upstream', UpstreamTotals> = {
  healthy: (u) => (u.healthy ? 1 : 0),
};

const IPTABLES: Computed<'iptables', DropCount> = {
  droppedPackets: (drop) => drop.packets,
  droppedBytes: (drop) => drop.bytes,
};

const L7_REASON: Computed<'l7_reason', number> = {
  l7BlockedByReason: (count) => count,
};

const L7_EVENT: Computed<'l7_event', number> = {
  l7Events: (count) => count,
};

const BANDWIDTH: Computed<'bandwidth', { usage: BandwidthUsage; period: Period }> = {
  usedBytes: ({ usage, period }) => usedBytes(usage.usage[period]),
  limitBytes: ({ usage, period }) => usage.limits[period],
};

/** Fills a scope's values: own sources first, then the sums (which may name later entries). */
function valuesOf<S extends CounterScope>(scope: S, read: (name: string, source: 'worker' | 'supervisor') => number): CounterValues<S> {
  const values: Record<string, number> = {};
  const entries = entriesOf(scope);
  for (const { name, spec } of entries) if (typeof spec.source === 'string') values[name] = read(name, spec.source);
  for (const entry of entries) {
    const parts = sumPartsOf(entry);
    if (parts.length > 0) values[entry.name] = parts.reduce((sum, part) => sum + (values[part] ?? 0), 0);
  }
  return values as CounterValues<S>;
}

export function supervisorValues(state: SupervisorState): CounterValues<'supervisor'> {
  return valuesOf('supervisor', (name) => SUPERVISOR[name as SupervisorValueName<'supervisor'>](state));
}

export function proxyValues(controller: ProxyController): CounterValues<'proxy'> {
  return valuesOf('proxy', (name, source) =>
    source === 'worker' ? controller.stats.value(name as WorkerCounterName<'proxy'>) : PROXY[name as SupervisorValueName<'proxy'>](controller),
  );
}

export function upstreamValues(totals: UpstreamTotals): CounterValues<'upstream'> {
  return valuesOf('upstream', (name, source) =>
    source === 'worker' ? totals[name as WorkerCounterName<'upstream'>] : UPSTREAM[name as SupervisorValueName<'upstream'>](totals),
  );
}

export function routeValues(totals: RouteTotals): CounterValues<'route'> {
  return valuesOf('route', (name) => totals[name as WorkerCounterName<'route'>]);
}

export function bandwidthValues(usage: BandwidthUsage, period: Period): CounterValues<'bandwidth'> {
  return valuesOf('bandwidth', (name) => BANDWIDTH[name as SupervisorValueName<'bandwidth'>]({ usage, period }));
}

/** One L7 block reason's count (from the proxy's stats). */
export function l7ReasonValues(count: number): CounterValues<'l7_reason'> {
  return valuesOf('l7_reason', (name) => L7_REASON[name as SupervisorValueName<'l7_reason'>](count));
}

/** One L7 event type's count. */
export function l7EventValues(count: number): CounterValues<'l7_event'> {
  return valuesOf('l7_event', (name) => L7_EVENT[name as SupervisorValueName<'l7_event'>](count));
}

export function iptablesValues(drop: DropCount): CounterValues<'iptables'> {
  return valuesOf('iptables', (name) => IPTABLES[name as SupervisorValueName<'iptables'>](drop));
}
