import type { CounterReport, RouteCounters } from '../../shared/ipc/protocol.js';
import type { AclCounts } from '../../shared/acl/acl-counts.js';
import { workerNames, zeroWorkerValues, type WorkerValues } from '../../shared/counters/counters.js';
import type { UpstreamState } from '../balancer/upstream-state.js';

/**
 * The proxy's worker-sourced values of the counter table (shared/counters/counter-table.ts) as
 * plain number fields, bumped in place on the data path (`counters.bytesIn += n`) and folded
 * into one IPC report a second. Counters are deltas since the previous report; gauges
 * (`activeTcpConnections`, `activeUdpSessions`) are levels.
 */
export type ProxyCounters = WorkerValues<'proxy'>;

// Copied by spread from one template: every worker's object has the same fast-property shape.
const ZERO: ProxyCounters = zeroWorkerValues('proxy');
const PROXY_DELTAS = workerNames('proxy', 'counter');
const PROXY_VALUES = workerNames('proxy');
const UPSTREAM_DELTAS = workerNames('upstream', 'counter');
const UPSTREAM_VALUES = workerNames('upstream');
const ROUTE_DELTAS = workerNames('route', 'counter');
const ROUTE_VALUES = workerNames('route');

/** A route as the report reads it: its name and a field per worker-sourced route value. */
export type ReportedRoute = { readonly name: string } & WorkerValues<'route'>;

export function createProxyCounters(): ProxyCounters {
  return { ...ZERO };
}

/** The report for the interval that just ended; the counters' deltas start again at 0. */
/** `pool`: every upstream the worker runs (a proxy's own and its routes'); `routes`: every route, the default one included. */
export function takeReport(
  counters: ProxyCounters,
  pool: { readonly upstreams: readonly UpstreamState[] },
  acl: AclCounts,
  l7: CounterReport['l7'],
  routes: readonly ReportedRoute[] = [],
): CounterReport {
  const values = {} as ProxyCounters;
  for (const name of PROXY_VALUES) values[name] = counters[name];
  for (const name of PROXY_DELTAS) counters[name] = 0;
  const upstreams = pool.upstreams.map((u) => {
    const upstreamValues = {} as WorkerValues<'upstream'>;
    for (const name of UPSTREAM_VALUES) upstreamValues[name] = u[name];
    for (const name of UPSTREAM_DELTAS) u[name] = 0;
    return { ip: u.ip, port: u.port, healthy: u.healthy, ...upstreamValues };
  });
  return { ...values, acl, l7, upstreams, routes: routes.map(routeReport) };
}

function routeReport(route: ReportedRoute): RouteCounters {
  const values = {} as WorkerValues<'route'>;
  for (const name of ROUTE_VALUES) values[name] = route[name];
  for (const name of ROUTE_DELTAS) route[name] = 0;
  return { route: route.name, ...values };
}
