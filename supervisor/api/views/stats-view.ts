import type { ProxyController } from '../../workers/proxy-controller.js';
import { proxyValues } from '../../stats/supervisor-values.js';
import { zeroWorkerValues } from '../../../shared/counters/counters.js';
import { DEFAULT_ROUTE } from '../../../shared/config/schema-routing.js';
import { proxyCounterFields, routeCounterFields, upstreamCounterFields } from './counter-fields.js';

/** One line of `GET /api/overview`: a summary of the proxy's values. */
export function overviewProxy(controller: ProxyController) {
  const v = proxyValues(controller);
  return {
    name: controller.displayName,
    state: controller.state,
    running: v.running === 1,
    active_connections: v.activeConnections,
    total_connections: v.totalConnections,
    bytes_in: v.bytesIn,
    bytes_out: v.bytesOut,
    upstreams_healthy: v.upstreamsHealthy,
    upstreams_total: v.upstreamsTotal,
    l7_blocked: v.l7Blocked,
    suspended: v.suspended === 1,
  };
}

/** `GET /api/stats` and the overview's totals: a summary across proxies; `bansActive` is the ban list's size. */
export function totalsOf(controllers: ProxyController[], bansActive = 0) {
  const totals = { proxies: controllers.length, proxies_running: 0, active_connections: 0, total_connections: 0, bytes_in: 0, bytes_out: 0, l7_blocked: 0, l7_banned: bansActive };
  for (const c of controllers) {
    const v = proxyValues(c);
    totals.proxies_running += v.running;
    totals.active_connections += v.activeConnections;
    totals.total_connections += v.totalConnections;
    totals.bytes_in += v.bytesIn;
    totals.bytes_out += v.bytesOut;
    totals.l7_blocked += v.l7Blocked;
  }
  return totals;
}

/** The configured routes (the default one first) with their values; routes no report named yet count 0. */
function routesView(controller: ProxyController) {
  const configured = [{ name: DEFAULT_ROUTE, hosts: [] as string[] }, ...(controller.config?.routing.routes ?? [])];
  return configured.map(({ name, hosts }) => {
    const totals = controller.stats.routes.get(name) ?? { route: name, ...zeroWorkerValues('route') };
    return { route: name, hosts: [...hosts], ...routeCounterFields(totals) };
  });
}

/**
 * `GET /api/stats/proxy/{name}`: every proxy value of the counter table, and each upstream's;
 * `bansIssued` is how many bans on the list this proxy's L7 engine issued.
 */
export function proxyStatsView(controller: ProxyController, bansIssued = 0) {
  return {
    name: controller.displayName,
    state: controller.state,
    ...proxyCounterFields(controller),
    suspended_reason: controller.suspendedReason,
    upstreams: [...controller.stats.upstreams.entries()].map(([key, u]) => ({ upstream: key, ...upstreamCounterFields(u) })),
    routes: routesView(controller),
    l7_enabled: controller.config?.l7.enabled ?? false,
    l7_banned: bansIssued,
  };
}
