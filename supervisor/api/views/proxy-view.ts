import type { ProxyController } from '../../workers/proxy-controller.js';

/** The JSON an operator sees for one proxy in `GET /api/proxies`. */
export function proxyView(controller: ProxyController) {
  const config = controller.config;
  const stats = controller.stats;
  return {
    name: controller.displayName,
    description: config?.description ?? '',
    enabled: config?.enabled ?? false,
    state: controller.state,
    running: controller.state === 'running',
    pid: controller.runningWorker?.pid ?? null,
    config_path: controller.file,
    protocol: config?.protocol ?? null,
    origin_ports: config?.originPorts ?? [],
    listeners: controller.listeners.map(({ ip, port, protocol }) => ({ ip, port, protocol })),
    restarts: controller.restarts,
    started_at: controller.startedAt,
    last_error: controller.lastError,
    config_errors: controller.configIssues.map((i) => ({ path: i.path, message: i.message })),
    active_connections: stats.activeTcp + stats.activeUdpSessions,
    active_tcp_connections: stats.activeTcp,
    active_udp_sessions: stats.activeUdpSessions,
    total_connections: stats.tcpConnectionsTotal + stats.udpSessionsTotal,
    bytes_in: stats.bytesIn,
    bytes_out: stats.bytesOut,
    no_healthy_upstream_total: stats.noHealthyUpstreamTotal,
    udp_dropped_total: stats.udpDroppedTotal,
    denied_by_acl_total: stats.deniedByAclTotal,
    suspended: controller.suspendedReason !== null,
    suspended_reason: controller.suspendedReason,
  };
}
