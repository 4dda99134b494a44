// global.yaml, checked, into the resolved `GlobalConfig`: durations in ms, paths absolute.
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseDuration } from './duration.js';
import type { Filled } from './filled.js';
import { parseHostPort } from './host-port.js';
import { must } from './parsed.js';
import { resolveAcl } from './resolve-acl.js';
import { parseRedisUrl } from './redis-url.js';
import type { ClusterConfig, GlobalConfig, GlobalDefaults, NetworkConfig } from './resolved-types.js';
import type { GlobalFile } from './schema-global.js';
import { canonicalTimeZone } from './time-zone.js';

type Global = Filled<GlobalFile>;

const ms = (value: string | number): number => must(parseDuration(value));

/** `file` is the global file's path: relative paths inside it are resolved against its folder. */
export function resolveGlobal(global: Global, file: string): GlobalConfig {
  const folder = dirname(file);
  const fromFolder = (path: string): string => (path.trim() === '' ? '' : resolve(folder, path));
  const { api, metrics, iptables, logging } = global;
  const bind = must(parseHostPort(api.bind));
  return {
    api: {
      enabled: api.enabled,
      bind: api.bind.trim(),
      host: bind.host,
      port: bind.port,
      apiKeys: api.api_keys.map(({ key, label, permissions }) => ({ key, label, permissions: [...new Set(permissions)] })),
      tls: { ...api.tls },
      corsOrigins: [...api.cors_origins],
      maxBodyBytes: api.max_body_bytes,
      dashboard: api.dashboard,
    },
    timezone: canonicalTimeZone(global.timezone) ?? 'UTC',
    metrics: {
      enabled: metrics.enabled,
      retentionHours: metrics.retention_hours,
      flushIntervalSeconds: metrics.flush_interval_seconds,
      sqlitePath: fromFolder(metrics.sqlite_path),
      formats: [...new Set(metrics.formats)],
    },
    network: resolveNetwork(global.network),
    defaults: resolveDefaults(global.defaults),
    iptables: {
      enabled: iptables.enabled,
      chainPrefix: iptables.chain_prefix,
      commentPrefix: iptables.comment_prefix,
      autoCreateChains: iptables.auto_create_chains,
      flushOnStart: iptables.flush_on_start,
      ipv6Enabled: iptables.ipv6_enabled,
    },
    acl: resolveAcl(global.acl),
    logging: {
      level: logging.level,
      format: logging.format,
      output: logging.output,
      filePath: fromFolder(logging.file_path),
      maxSizeMb: logging.max_size_mb,
      maxBackups: logging.max_backups,
    },
    cluster: resolveCluster(global.cluster, fromFolder),
  };
}

function resolveCluster(cluster: Global['cluster'], fromFolder: (path: string) => string): ClusterConfig {
  const { redis } = cluster;
  const url = redis.url.trim();
  const rediss = url !== '' && parseRedisUrl(url).ok && must(parseRedisUrl(url)).tls;
  return {
    enabled: cluster.enabled,
    nodeId: cluster.node_id === '' ? hostname() : cluster.node_id,
    redis: {
      url,
      passwordFile: fromFolder(redis.password_file),
      tls: { enabled: redis.tls.enabled || rediss, caFile: fromFolder(redis.tls.ca_file), certFile: fromFolder(redis.tls.cert_file), keyFile: fromFolder(redis.tls.key_file) },
      keyPrefix: redis.key_prefix,
    },
  };
}

function resolveNetwork(network: Global['network']): NetworkConfig {
  return {
    socketBufferSize: network.socket_buffer_size,
    tcpKeepaliveEnabled: network.tcp_keepalive_enabled,
    tcpKeepaliveIntervalMs: ms(network.tcp_keepalive_interval),
    tcpNodelay: network.tcp_nodelay,
    udpReadBuffer: network.udp_read_buffer,
    udpWriteBuffer: network.udp_write_buffer,
    listenBacklog: network.listen_backlog,
  };
}

function resolveDefaults(defaults: Global['defaults']): GlobalDefaults {
  return {
    upstreamConnectMs: ms(defaults.upstream_connect_timeout),
    upstreamReadMs: ms(defaults.upstream_read_timeout),
    upstreamWriteMs: ms(defaults.upstream_write_timeout),
    clientReadMs: ms(defaults.client_read_timeout),
    clientWriteMs: ms(defaults.client_write_timeout),
    healthCheckIntervalMs: ms(defaults.health_check_interval),
    healthCheckTimeoutMs: ms(defaults.health_check_timeout),
    healthCheckFailuresBeforeEject: defaults.health_check_failures_before_eject,
    healthCheckPassesBeforeReadmit: defaults.health_check_passes_before_readmit,
    udpSessionMs: ms(defaults.udp_session_timeout),
    udpMaxSessions: defaults.udp_max_sessions,
  };
}
