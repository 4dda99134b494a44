import type { ProxyController } from '../../workers/proxy-controller.js';

/** A proxy's traffic counters and suspension as every proxy view shows them. */
export function trafficCounters(controller: ProxyController) {
  const s = controller.stats;
  return {
    active_connections: s.activeTcp + s.activeUdpSessions,
    active_tcp_connections: s.activeTcp,
    active_udp_sessions: s.activeUdpSessions,
    total_connections: s.tcpConnectionsTotal + s.udpSessionsTotal,
    bytes_in: s.bytesIn,
    bytes_out: s.bytesOut,
    no_healthy_upstream_total: s.noHealthyUpstreamTotal,
    udp_dropped_total: s.udpDroppedTotal,
    denied_by_acl_total: s.deniedByAclTotal,
    suspended: controller.suspendedReason !== null,
    suspended_reason: controller.suspendedReason,
  };
}
