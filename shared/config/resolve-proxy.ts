// A proxy file, checked, into the resolved `ProxyConfig` a worker runs: global defaults merged in,
// durations in ms, listeners and upstreams expanded.
import { parseDuration } from './duration.js';
import type { Filled } from './filled.js';
import { parseIpList } from './ip-list.js';
import { must } from './parsed.js';
import { parsePortSpec } from './port-spec.js';
import { resolveAcl } from './resolve-acl.js';
import { resolveL7 } from './resolve-l7.js';
import { resolveProxyProtocol } from './resolve-proxy-protocol.js';
import { resolveA2sCache, resolveOfflineStatus, resolveRouting, resolveStatusCache } from './resolve-routing.js';
import type { GlobalConfig, HealthCheckConfig, ProxyConfig, RateLimitsConfig, TimeoutsConfig } from './resolved-types.js';
import type { ProxyFile } from './schema-proxy.js';
import { buildListeners, buildUpstreamGroups, buildUpstreams } from './targets.js';
import { weightTable } from './upstream-weights.js';

type Proxy = Filled<ProxyFile>;

const ms = (value: string | number): number => must(parseDuration(value));
/** An inherited field: the proxy's own value when it has one, else the global default. */
const msOr = (value: string | number | undefined, inherited: number): number => (value === undefined ? inherited : ms(value));

/** `file` is the proxy file's path: relative paths inside it (offline_status.favicon) are from its folder. */
export function resolveProxy(proxy: Proxy, global: GlobalConfig, file: string): ProxyConfig {
  const originIps = must(parseIpList(proxy['origin-ip']));
  const originPorts = must(parsePortSpec(proxy['origin-port']));
  const destIps = must(parseIpList(proxy['dest-ip']));
  const destPorts = must(parsePortSpec(proxy['dest-port']));
  const oneToOne = proxy['one-to-one'];
  const upstreams = buildUpstreams(destIps, destPorts, weightTable(proxy.load_balancing.upstream_weights));
  const logging: Partial<Proxy['logging']> = proxy.logging;
  return {
    name: proxy.name,
    enabled: proxy.enabled,
    description: proxy.description,
    metadata: { tags: [...proxy.metadata.tags], owner: proxy.metadata.owner },
    protocol: proxy.protocol,
    dataPath: proxy.data_path,
    oneToOne,
    originIps,
    originPorts,
    destIps,
    destPorts,
    listeners: buildListeners(originIps, originPorts, proxy.protocol, oneToOne),
    upstreams,
    upstreamGroups: buildUpstreamGroups(upstreams, destPorts, oneToOne),
    balancing: {
      algorithm: proxy.load_balancing.algorithm,
      stickySessions: proxy.load_balancing.sticky_sessions,
      stickyTtlMs: ms(proxy.load_balancing.sticky_ttl),
    },
    health: resolveHealth(proxy.load_balancing.health_check, global),
    timeouts: resolveTimeouts(proxy.timeouts, global),
    udpMaxSessions: (proxy as Partial<Proxy>).udp_max_sessions ?? global.defaults.udpMaxSessions,
    network: { ...global.network },
    draining: { enabled: proxy.connection_draining.enabled, timeoutMs: ms(proxy.connection_draining.timeout) },
    logging: {
      level: logging.level ?? global.logging.level,
      logConnections: proxy.logging.log_connections,
      logBytes: proxy.logging.log_bytes,
    },
    tls: { passthrough: proxy.tls.passthrough, sniRouting: proxy.tls.sni_routing },
    proxyProtocol: resolveProxyProtocol(proxy.proxy_protocol),
    routing: resolveRouting(proxy, global),
    statusCache: resolveStatusCache(proxy.status_cache),
    offlineStatus: resolveOfflineStatus(proxy.offline_status, file),
    a2sCache: resolveA2sCache(proxy.a2s_cache),
    rateLimits: resolveRateLimits(proxy.rate_limits),
    l7: resolveL7(proxy.l7_protection),
    acl: resolveAcl(proxy.acl),
    globalAcl: structuredClone(global.acl),
    bandwidth: {
      enabled: proxy.bandwidth.enabled,
      hourlyLimit: proxy.bandwidth.hourly_limit,
      dailyLimit: proxy.bandwidth.daily_limit,
      weeklyLimit: proxy.bandwidth.weekly_limit,
      monthlyLimit: proxy.bandwidth.monthly_limit,
      suspendOnLimit: proxy.bandwidth.suspend_on_limit,
      scope: proxy.bandwidth.scope,
    },
  };
}

function resolveHealth(health: Partial<Proxy['load_balancing']['health_check']>, global: GlobalConfig): HealthCheckConfig {
  const defaults = global.defaults;
  return {
    intervalMs: msOr(health.interval, defaults.healthCheckIntervalMs),
    timeoutMs: msOr(health.timeout, defaults.healthCheckTimeoutMs),
    failuresBeforeEject: health.failures_before_eject ?? defaults.healthCheckFailuresBeforeEject,
    passesBeforeReadmit: health.passes_before_readmit ?? defaults.healthCheckPassesBeforeReadmit,
  };
}

function resolveTimeouts(timeouts: Partial<Proxy['timeouts']>, global: GlobalConfig): TimeoutsConfig {
  const defaults = global.defaults;
  return {
    upstreamConnectMs: msOr(timeouts.upstream_connect, defaults.upstreamConnectMs),
    upstreamReadMs: msOr(timeouts.upstream_read, defaults.upstreamReadMs),
    upstreamWriteMs: msOr(timeouts.upstream_write, defaults.upstreamWriteMs),
    clientReadMs: msOr(timeouts.client_read, defaults.clientReadMs),
    clientWriteMs: msOr(timeouts.client_write, defaults.clientWriteMs),
    udpSessionMs: msOr(timeouts.udp_session_timeout, defaults.udpSessionMs),
  };
}

function resolveRateLimits(limits: Proxy['rate_limits']): RateLimitsConfig {
  return {
    tcpPpsPerIp: limits.tcp_pps_per_ip,
    udpPpsPerIp: limits.udp_pps_per_ip,
    newConnsPerSecPerIp: limits.new_conns_per_sec_per_ip,
    newConnsPerSecGlobal: limits.new_conns_per_sec_global,
    tcpSynRatePerIp: limits.tcp_syn_rate_per_ip,
    maxSimultaneousConnsPerIp: limits.max_simultaneous_conns_per_ip,
    maxTotalConns: limits.max_total_conns,
    dropFragmentedPackets: limits.drop_fragmented_packets,
    tcpInvalidStateDrop: limits.tcp_invalid_state_drop,
    minTtl: limits.min_ttl,
    maxTtl: limits.max_ttl,
    minPacketSize: limits.min_packet_size,
    maxPacketSize: limits.max_packet_size,
    tcpRstRatePerIp: limits.tcp_rst_rate_per_ip,
    udpMaxPayload: limits.udp_max_payload,
    udpMinPayload: limits.udp_min_payload,
  };
}
