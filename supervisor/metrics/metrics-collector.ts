import type { BandwidthManager } from '../bandwidth/bandwidth-manager.js';
import { PERIODS } from '../bandwidth/quota-periods.js';
import { usedBytes } from '../bandwidth/quota-check.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { MetricsModel, ProxyMetrics } from './metrics-model.js';

export type NamedController = ProxyController & { name: string };

export function isNamed(controller: ProxyController): controller is NamedController {
  return controller.name !== undefined;
}

/** Upstreams known and healthy; before the first counter report every configured one counts as healthy. */
export function upstreamHealth(controller: ProxyController): { healthy: number; total: number } {
  const reported = [...controller.stats.upstreams.values()];
  if (reported.length === 0) {
    const configured = controller.config?.upstreams.length ?? 0;
    return { healthy: controller.state === 'running' ? configured : 0, total: configured };
  }
  return { healthy: reported.filter((u) => u.healthy).length, total: reported.length };
}

/** A proxy's live counters (since the supervisor started) and its bandwidth periods. */
export function proxyMetrics(controller: NamedController, bandwidth: BandwidthManager): ProxyMetrics {
  const s = controller.stats;
  const usage = bandwidth.usage(controller);
  return {
    proxy: controller.name,
    values: {
      running: controller.state === 'running' ? 1 : 0,
      active_connections: s.activeTcp + s.activeUdpSessions,
      active_tcp_connections: s.activeTcp,
      udp_sessions: s.activeUdpSessions,
      total_connections: s.tcpConnectionsTotal + s.udpSessionsTotal,
      udp_sessions_total: s.udpSessionsTotal,
      bytes_in: s.bytesIn,
      bytes_out: s.bytesOut,
      acl_denied: s.deniedByAclTotal,
      no_healthy_upstream: s.noHealthyUpstreamTotal,
      udp_dropped: s.udpDroppedTotal,
      l7_blocked: 0,
      suspended: controller.suspendedReason === null ? 0 : 1,
      suspended_refused: s.refusedSuspendedTotal,
      worker_restarts: controller.restarts,
    },
    upstreams: [...s.upstreams].map(([upstream, u]) => ({
      upstream,
      values: { active_connections: u.active, healthy: u.healthy ? 1 : 0, total_connections: u.connectionsTotal, bytes_in: u.bytesIn, bytes_out: u.bytesOut },
    })),
    bandwidth: PERIODS.map((period) => ({ period, values: { used_bytes: usedBytes(usage.usage[period]), limit_bytes: usage.limits[period] } })),
  };
}

/** Every proxy with a name (a file that was never valid has none), sorted by name, plus supervisor values. */
export function collectMetrics(controllers: ProxyController[], bandwidth: BandwidthManager, reloadErrors: number, atMs: number): MetricsModel {
  const named = controllers.filter(isNamed).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    atMs,
    supervisor: {
      proxy_count: controllers.length,
      proxies_running: controllers.filter((c) => c.state === 'running').length,
      config_reload_errors: reloadErrors,
      bans_active: 0,
    },
    proxies: named.map((c) => proxyMetrics(c, bandwidth)),
  };
}

export function collectProxyMetrics(controller: NamedController, bandwidth: BandwidthManager, atMs: number): MetricsModel {
  return { atMs, supervisor: null, proxies: [proxyMetrics(controller, bandwidth)] };
}
