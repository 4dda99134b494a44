import type { ProxyController } from '../../workers/proxy-controller.js';
import { trafficCounters } from './traffic-counters.js';

function upstreamCounts(controller: ProxyController): { total: number; healthy: number } {
  const upstreams = [...controller.stats.upstreams.values()];
  const configured = controller.config?.upstreams.length ?? upstreams.length;
  // Before the first counter report nothing is known yet: every upstream starts healthy.
  if (upstreams.length === 0) return { total: configured, healthy: controller.state === 'running' ? configured : 0 };
  return { total: upstreams.length, healthy: upstreams.filter((u) => u.healthy).length };
}

export function overviewProxy(controller: ProxyController) {
  const counts = upstreamCounts(controller);
  const { active_connections, total_connections, bytes_in, bytes_out, suspended } = trafficCounters(controller);
  return {
    name: controller.displayName,
    state: controller.state,
    running: controller.state === 'running',
    active_connections,
    total_connections,
    bytes_in,
    bytes_out,
    upstreams_healthy: counts.healthy,
    upstreams_total: counts.total,
    l7_blocked: 0,
    suspended,
  };
}

export function totalsOf(controllers: ProxyController[]) {
  const totals = { proxies: controllers.length, proxies_running: 0, active_connections: 0, total_connections: 0, bytes_in: 0, bytes_out: 0, l7_blocked: 0, l7_banned: 0 };
  for (const c of controllers) {
    if (c.state === 'running') totals.proxies_running++;
    totals.active_connections += c.stats.activeTcp + c.stats.activeUdpSessions;
    totals.total_connections += c.stats.tcpConnectionsTotal + c.stats.udpSessionsTotal;
    totals.bytes_in += c.stats.bytesIn;
    totals.bytes_out += c.stats.bytesOut;
  }
  return totals;
}

export function proxyStatsView(controller: ProxyController) {
  const s = controller.stats;
  const counts = upstreamCounts(controller);
  return {
    name: controller.displayName,
    state: controller.state,
    running: controller.state === 'running',
    ...trafficCounters(controller),
    upstreams: [...s.upstreams.entries()].map(([key, u]) => ({
      upstream: key,
      healthy: u.healthy,
      active_connections: u.active,
      total_connections: u.connectionsTotal,
      bytes_in: u.bytesIn,
      bytes_out: u.bytesOut,
    })),
    upstreams_total: counts.total,
    upstreams_healthy: counts.healthy,
    l7_enabled: controller.config?.l7.enabled ?? false,
    l7_blocked: 0,
    l7_banned: 0,
  };
}
