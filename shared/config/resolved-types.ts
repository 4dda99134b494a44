// The fully resolved configuration: what the supervisor hands to a worker and what every runtime
// part reads. Built from the YAML files by `resolve-proxy.ts` / `resolve-global.ts` after schema
// validation, with global defaults merged in. Durations are milliseconds, ports are numbers,
// comma lists are arrays. Workers never see YAML.

import type { A2sCacheConfig, OfflineStatusConfig, RoutingConfig, StatusCacheConfig } from './resolved-routing-types.js';
import type { ALGORITHMS, DATA_PATHS, PROTOCOLS } from './schema-proxy.js';
import type { ACL_ACTIONS } from './schema-acl.js';
import type { LOG_LEVELS, METRICS_FORMATS } from './schema-global.js';
import type { INSPECTION_MODES } from './schema-l7.js';

// Each union is read from the list the schema accepts, so the two cannot differ.
export type Protocol = (typeof PROTOCOLS)[number];
/** What one listener speaks: `tcp-udp` opens one of each. */
export type TransportProtocol = Exclude<Protocol, 'tcp-udp'>;
export type Algorithm = (typeof ALGORITHMS)[number];
/** Who carries the packets: the worker (userspace) or nftables (kernel). */
export type DataPath = (typeof DATA_PATHS)[number];
export type AclAction = (typeof ACL_ACTIONS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type MetricsFormat = (typeof METRICS_FORMATS)[number];
export type InspectionMode = (typeof INSPECTION_MODES)[number];

export interface AclRule {
  action: AclAction;
  cidr: string;
  comment: string;
}

export interface AclConfig {
  enabled: boolean;
  defaultAction: AclAction;
  rules: AclRule[];
  /** When a new ACL arrives, close live connections/sessions of clients it denies. */
  closeExistingOnDeny: boolean;
}

/** One listening socket: bind address + port + transport. */
export interface ListenerSpec {
  ip: string;
  port: number;
  protocol: TransportProtocol;
  /** Index into `upstreamGroups`: which upstreams a connection on this listener may reach. */
  group: number;
}

/** One destination ip:port (the spec's "target"). */
export interface UpstreamSpec {
  ip: string;
  port: number;
  weight: number;
}

export interface BalancingConfig {
  algorithm: Algorithm;
  stickySessions: boolean;
  stickyTtlMs: number;
}

export interface HealthCheckConfig {
  intervalMs: number;
  timeoutMs: number;
  failuresBeforeEject: number;
  passesBeforeReadmit: number;
}

export interface TimeoutsConfig {
  /** Max time to establish the TCP connection to an upstream. */
  upstreamConnectMs: number;
  /** Idle timeout: no bytes from the upstream for this long closes the connection. 0 = none. */
  upstreamReadMs: number;
  /** How long a write to the upstream may stay blocked. 0 = none. */
  upstreamWriteMs: number;
  /** Idle timeout: no bytes from the client for this long closes the connection. 0 = none. */
  clientReadMs: number;
  /** How long a write to the client may stay blocked. 0 = none. */
  clientWriteMs: number;
  /** A UDP session with no datagram in either direction for this long ends. */
  udpSessionMs: number;
}

export interface NetworkConfig {
  socketBufferSize: number;
  tcpKeepaliveEnabled: boolean;
  tcpKeepaliveIntervalMs: number;
  tcpNodelay: boolean;
  udpReadBuffer: number;
  udpWriteBuffer: number;
  /** listen() backlog of each TCP listening socket: what queues while no worker accepts. */
  listenBacklog: number;
}

export interface DrainingConfig {
  enabled: boolean;
  timeoutMs: number;
}

export interface ProxyLoggingConfig {
  level: LogLevel;
  logConnections: boolean;
  logBytes: boolean;
}

export interface RateLimitsConfig {
  tcpPpsPerIp: number;
  udpPpsPerIp: number;
  newConnsPerSecPerIp: number;
  newConnsPerSecGlobal: number;
  tcpSynRatePerIp: number;
  maxSimultaneousConnsPerIp: number;
  maxTotalConns: number;
  dropFragmentedPackets: boolean;
  tcpInvalidStateDrop: boolean;
  minTtl: number;
  maxTtl: number;
  minPacketSize: number;
  maxPacketSize: number;
  tcpRstRatePerIp: number;
  udpMaxPayload: number;
  udpMinPayload: number;
}

export interface CustomInspectionRule {
  name: string;
  matchOffset: number;
  /** The bytes to compare, parsed from "0x0F,0x10". */
  matchBytes: number[];
  action: 'allow' | 'drop';
}

export interface L7Config {
  enabled: boolean;
  slowConnection: {
    enabled: boolean;
    minBytesInFirst: number;
    handshakeTimeoutMs: number;
    minRecvRateBps: number;
  };
  payloadRateLimit: {
    enabled: boolean;
    maxBytesPerSecPerIp: number;
    maxBytesPerSecPerConn: number;
    burstMultiplier: number;
  };
  connectionCycling: {
    enabled: boolean;
    windowMs: number;
    maxConnsInWindow: number;
    banDurationMs: number;
  };
  payloadInspection: {
    enabled: boolean;
    mode: InspectionMode;
    customRules: CustomInspectionRule[];
  };
  amplification: {
    enabled: boolean;
    maxResponseToRequestRatio: number;
    windowMs: number;
  };
  behavioralScoring: {
    enabled: boolean;
    scoreWindowMs: number;
    banThreshold: number;
    banDurationMs: number;
    scoreRules: { event: string; score: number }[];
  };
}

/** `node`: this node's bytes only (SQLite); `cluster`: the sum over every node (Redis). */
export type BandwidthScope = 'node' | 'cluster';

export interface BandwidthConfig {
  enabled: boolean;
  scope: BandwidthScope;
  /** Bytes per period; 0 = unlimited. */
  hourlyLimit: number;
  dailyLimit: number;
  weeklyLimit: number;
  monthlyLimit: number;
  suspendOnLimit: boolean;
}

export interface TlsPassthroughConfig {
  passthrough: boolean;
  sniRouting: boolean;
}

export type SendTcpVersion = 'off' | 'v1' | 'v2';
export type UntrustedPeerPolicy = 'reject' | 'drop' | 'plain';

/** proxy_protocol.send: headers we write to backends. */
export interface ProxyProtocolSendConfig {
  tcp: SendTcpVersion;
  udp: 'off' | 'v2';
  /** first: the first datagram of a session only (Geyser); every: each datagram. */
  udpHeader: 'first' | 'every';
  /** A UNIQUE_ID TLV on v2 headers. */
  uniqueId: boolean;
  /** What TCP health probes send when `tcp` is not off. */
  healthCheck: 'local' | 'proxy' | 'none';
}

/** proxy_protocol.receive: headers read from trusted peers in front. */
export interface ProxyProtocolReceiveConfig {
  enabled: boolean;
  acceptV1: boolean;
  acceptV2: boolean;
  /** Which listeners read headers. */
  onTcp: boolean;
  onUdp: boolean;
  trustedCidrs: string[];
  fromUntrusted: UntrustedPeerPolicy;
  requireFromTrusted: boolean;
  headerTimeoutMs: number;
  maxHeaderBytes: number;
}

export interface ProxyProtocolConfig {
  send: ProxyProtocolSendConfig;
  receive: ProxyProtocolReceiveConfig;
}

/** A proxy file, resolved. One worker process runs exactly one of these. */
export interface ProxyConfig {
  name: string;
  enabled: boolean;
  description: string;
  metadata: { tags: string[]; owner: string };
  protocol: Protocol;
  dataPath: DataPath;
  oneToOne: boolean;
  originIps: string[];
  originPorts: number[];
  destIps: string[];
  destPorts: number[];
  /** Every origin IP × origin port × transport. */
  listeners: ListenerSpec[];
  /** Every dest IP × dest port, IP-major, with its weight. */
  upstreams: UpstreamSpec[];
  /**
   * Indexes into `upstreams` per listener group. Fan-out: one group with every upstream.
   * One-to-one: group k holds every dest IP paired with dest port k (origin port k's listeners).
   */
  upstreamGroups: number[][];
  balancing: BalancingConfig;
  health: HealthCheckConfig;
  timeouts: TimeoutsConfig;
  /** Cap on concurrent UDP sessions for this proxy; datagrams that would open one more are dropped. */
  udpMaxSessions: number;
  network: NetworkConfig;
  draining: DrainingConfig;
  logging: ProxyLoggingConfig;
  tls: TlsPassthroughConfig;
  proxyProtocol: ProxyProtocolConfig;
  /** Routes by Minecraft host or TLS SNI; the top-level upstreams above are the default route. */
  routing: RoutingConfig;
  statusCache: StatusCacheConfig;
  offlineStatus: OfflineStatusConfig;
  a2sCache: A2sCacheConfig;
  rateLimits: RateLimitsConfig;
  l7: L7Config;
  acl: AclConfig;
  /** The global ACL (from global.yaml), checked before `acl`. */
  globalAcl: AclConfig;
  bandwidth: BandwidthConfig;
}

export interface ApiKeyConfig {
  key: string;
  label: string;
  permissions: string[];
}

export interface ApiConfig {
  enabled: boolean;
  /** host:port */
  bind: string;
  host: string;
  port: number;
  apiKeys: ApiKeyConfig[];
  tls: { enabled: boolean; cert: string; key: string };
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Serves the web dashboard at /dashboard/. */
  dashboard: boolean;
}

export interface MetricsConfig {
  enabled: boolean;
  retentionHours: number;
  flushIntervalSeconds: number;
  sqlitePath: string;
  formats: MetricsFormat[];
}

export interface GlobalDefaults {
  upstreamConnectMs: number;
  upstreamReadMs: number;
  upstreamWriteMs: number;
  clientReadMs: number;
  clientWriteMs: number;
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  healthCheckFailuresBeforeEject: number;
  healthCheckPassesBeforeReadmit: number;
  udpSessionMs: number;
  udpMaxSessions: number;
}

export interface IptablesConfig {
  enabled: boolean;
  chainPrefix: string;
  commentPrefix: string;
  autoCreateChains: boolean;
  flushOnStart: boolean;
  ipv6Enabled: boolean;
}

export interface GlobalLoggingConfig {
  level: LogLevel;
  format: 'json' | 'text';
  output: 'stdout' | 'file';
  filePath: string;
  maxSizeMb: number;
  maxBackups: number;
}

export interface ClusterConfig {
  enabled: boolean;
  /** `node_id`, or the host name when it is empty. */
  nodeId: string;
  redis: {
    url: string;
    /** Absolute path, or '' for no password. */
    passwordFile: string;
    /** On when `tls.enabled` is true or the url is `rediss://`. */
    tls: { enabled: boolean; caFile: string; certFile: string; keyFile: string };
    keyPrefix: string;
  };
}

/** global.yaml, resolved. Relative paths are resolved against the global file's folder. */
export interface GlobalConfig {
  api: ApiConfig;
  timezone: string;
  metrics: MetricsConfig;
  network: NetworkConfig;
  defaults: GlobalDefaults;
  iptables: IptablesConfig;
  acl: AclConfig;
  logging: GlobalLoggingConfig;
  cluster: ClusterConfig;
}
