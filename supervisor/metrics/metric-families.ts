/**
 * The metric set, defined once. Every output format (JSON, Prometheus, Influx line protocol,
 * CSV) renders these families in this order, so the formats cannot disagree on a name or a
 * meaning. `name` is the Prometheus name; `key` is the field/column name in the other formats.
 */
export type MetricScope = 'supervisor' | 'proxy' | 'upstream' | 'bandwidth';

export interface MetricFamily {
  name: string;
  key: string;
  type: 'counter' | 'gauge';
  scope: MetricScope;
  help: string;
  /** Proxy metrics that JSON, Influx and CSV also sum across proxies (the global totals). */
  total?: boolean;
}

const SINCE = 'since the supervisor started';

export const METRIC_FAMILIES: readonly MetricFamily[] = [
  { scope: 'supervisor', type: 'gauge', name: 'routex_proxies', key: 'proxy_count', help: 'Proxy files known to the supervisor, running or not.' },
  { scope: 'supervisor', type: 'gauge', name: 'routex_proxies_running', key: 'proxies_running', help: 'Proxies whose worker is running.' },
  {
    scope: 'supervisor',
    type: 'counter',
    name: 'routex_config_reload_errors_total',
    key: 'config_reload_errors',
    help: `Config files rejected at a load or reload ${SINCE} (a proxy file counts again only when its content changed; global.yaml on SIGHUP).`,
  },
  { scope: 'supervisor', type: 'gauge', name: 'routex_bans_active', key: 'bans_active', help: 'IPs on the ban list. Always 0: there is no ban list until the L7 engine exists.' },
  { scope: 'proxy', type: 'gauge', name: 'routex_proxy_up', key: 'running', help: '1 while the proxy\'s worker is running, else 0.' },
  { scope: 'proxy', type: 'gauge', name: 'routex_active_connections', key: 'active_connections', help: 'Open TCP connections plus active UDP sessions.', total: true },
  { scope: 'proxy', type: 'gauge', name: 'routex_active_tcp_connections', key: 'active_tcp_connections', help: 'Open TCP connections.', total: true },
  { scope: 'proxy', type: 'gauge', name: 'routex_udp_sessions', key: 'udp_sessions', help: 'Active UDP sessions.', total: true },
  { scope: 'proxy', type: 'counter', name: 'routex_connections_total', key: 'total_connections', help: `TCP connections accepted plus UDP sessions opened ${SINCE}.`, total: true },
  { scope: 'proxy', type: 'counter', name: 'routex_udp_sessions_total', key: 'udp_sessions_total', help: `UDP sessions opened ${SINCE}.`, total: true },
  { scope: 'proxy', type: 'counter', name: 'routex_bytes_in_total', key: 'bytes_in', help: `Bytes from clients to upstreams ${SINCE}, counted as they flow.`, total: true },
  { scope: 'proxy', type: 'counter', name: 'routex_bytes_out_total', key: 'bytes_out', help: `Bytes from upstreams to clients ${SINCE}, counted as they flow.`, total: true },
  { scope: 'proxy', type: 'counter', name: 'routex_acl_denied_total', key: 'acl_denied', help: `New connections and UDP sessions denied by the global or proxy ACL ${SINCE}.`, total: true },
  {
    scope: 'proxy',
    type: 'counter',
    name: 'routex_no_healthy_upstream_total',
    key: 'no_healthy_upstream',
    help: `TCP connections closed at accept because no upstream was healthy ${SINCE}.`,
    total: true,
  },
  {
    scope: 'proxy',
    type: 'counter',
    name: 'routex_udp_dropped_total',
    key: 'udp_dropped',
    help: `Datagrams dropped before a UDP session could open (no healthy upstream, session cap) ${SINCE}.`,
    total: true,
  },
  { scope: 'proxy', type: 'counter', name: 'routex_l7_blocked_total', key: 'l7_blocked', help: 'Connections blocked by the L7 engine. Always 0: the L7 engine is not implemented yet.', total: true },
  { scope: 'proxy', type: 'gauge', name: 'routex_suspended', key: 'suspended', help: '1 while the proxy is suspended by its bandwidth quota (new connections and UDP sessions refused).' },
  {
    scope: 'proxy',
    type: 'counter',
    name: 'routex_suspended_refused_total',
    key: 'suspended_refused',
    help: `New connections and UDP sessions refused while the proxy was suspended ${SINCE}.`,
    total: true,
  },
  { scope: 'proxy', type: 'counter', name: 'routex_worker_restarts_total', key: 'worker_restarts', help: `Restarts of the proxy's worker after it died ${SINCE}.`, total: true },
  { scope: 'upstream', type: 'gauge', name: 'routex_upstream_active_connections', key: 'active_connections', help: 'Open connections and UDP sessions to the upstream.' },
  { scope: 'upstream', type: 'gauge', name: 'routex_upstream_healthy', key: 'healthy', help: '1 while the upstream is healthy (probes and manual eject), else 0.' },
  { scope: 'upstream', type: 'counter', name: 'routex_upstream_connections_total', key: 'total_connections', help: `Connections and UDP sessions sent to the upstream ${SINCE}.` },
  { scope: 'upstream', type: 'counter', name: 'routex_upstream_bytes_in_total', key: 'bytes_in', help: `Bytes sent to the upstream ${SINCE}.` },
  { scope: 'upstream', type: 'counter', name: 'routex_upstream_bytes_out_total', key: 'bytes_out', help: `Bytes received from the upstream ${SINCE}.` },
  {
    scope: 'bandwidth',
    type: 'gauge',
    name: 'routex_bandwidth_used_bytes',
    key: 'used_bytes',
    help: 'Bytes in plus out in the current quota period (hourly, daily, weekly, monthly in the configured time zone).',
  },
  { scope: 'bandwidth', type: 'gauge', name: 'routex_bandwidth_limit_bytes', key: 'limit_bytes', help: 'The quota for the period in bytes; 0 = unlimited.' },
];

export function familiesOf(scope: MetricScope): MetricFamily[] {
  return METRIC_FAMILIES.filter((f) => f.scope === scope);
}
