// The shapes the dashboard reads from the API (see /api/openapi.json for the full documents).

export type Values = Record<string, number>;

export interface Identity {
  label: string;
  permissions: string[];
}

export interface ProxySummary {
  name: string;
  description: string;
  tags: string[];
  l7_enabled: boolean;
  enabled: boolean;
  state: string;
  pid: number | null;
  protocol: string | null;
  listeners: { ip: string; port: number; protocol: string }[];
  restarts: number;
  started_at: string | null;
  last_error: { message: string; at: string } | null;
  config_errors: { path: string; message: string }[];
  active_connections: number;
  bytes_in: number;
  bytes_out: number;
  suspended: boolean;
  suspended_reason: string | null;
}

export interface ProxySnapshot {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
  values: Values;
  per_second: Values;
  upstreams: { upstream: string; values: Values }[];
  /** Kernel drops per rule kind (`syn_rate`, …) since the supervisor started; empty without kernel rules. */
  iptables: { kind: string; values: Values; per_second: Values }[];
}

export interface CountersEvent {
  at: string;
  interval_ms: number;
  supervisor: Values;
  totals: { values: Values; per_second: Values };
  proxies: ProxySnapshot[];
}

export interface Upstream {
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  probe_healthy: boolean;
  manual_state: 'ejected' | null;
  active_connections: number;
  total_connections: number;
  consecutive_failures: number;
  last_probe_at: string | null;
  last_probe_latency_ms: number | null;
  last_probe_error: string | null;
}

export interface Connection {
  id: number;
  protocol: string;
  src_ip: string;
  src_port: number;
  listener_port: number;
  upstream: string;
  upstream_port: number;
  bytes_in: number;
  bytes_out: number;
  started_at: string;
}

export interface AclRule {
  action: 'allow' | 'deny';
  cidr: string;
  comment: string;
  hits: number;
}

export interface AclView {
  name?: string;
  enabled: boolean;
  default_action: 'allow' | 'deny';
  close_existing_on_deny: boolean;
  rules: AclRule[];
  stats: { allowed: number; denied: number };
}

export interface SystemInfo {
  project: string;
  version: string;
  pid: number;
  uptime_seconds: number;
  started_at: string;
  timezone: string;
  node_version: string;
  platform: string;
  arch: string;
  num_cpu: number;
  memory: { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number };
  proxies_running: number;
  workers: { proxy: string; pid: number | null; state: string; restarts: number; rss_bytes: number | null }[];
  features: Record<string, boolean>;
}

export interface BandwidthPeriod {
  start: string;
  end: string;
  used_bytes: number;
  limit_bytes: number;
  percent: number;
  exceeded: boolean;
}

export interface Bandwidth {
  enabled: boolean;
  suspend_on_limit: boolean;
  periods: Record<'hourly' | 'daily' | 'weekly' | 'monthly', BandwidthPeriod>;
  suspended: boolean;
  suspended_reason: string | null;
  suspended_until: string | null;
}

export interface HistoryPoint {
  timestamp: string;
  active_connections: number;
  bytes_in_per_second: number;
  bytes_out_per_second: number;
}

export interface History {
  metrics_enabled: boolean;
  message?: string;
  points: HistoryPoint[];
}

/** A state change from the event stream, as the event log shows it. */
export interface LiveEvent {
  seq: number;
  at: Date;
  type: string;
  data: Record<string, unknown>;
}

export interface Ban {
  ip: string;
  reason: string;
  source: string;
  /** The cluster node that made the ban; null without a cluster. */
  node: string | null;
  created_at: string;
  expires_at: string | null;
  expires_in_seconds: number | null;
}

export interface L7Event {
  id: number;
  time: string;
  proxy: string;
  ip: string;
  event_type: string;
  score: number;
  action: string;
  reason: string;
  protocol: string;
}

/** One of RouteX's kernel rules as `GET /api/iptables/rules` reads it, with the kernel's counters. */
export interface KernelRule {
  backend: 'ipv4' | 'ipv6' | 'nftables';
  chain: string;
  /** `SynRate`, `ConnPerIp`, …; `Jump` sends the proxy's packets into its chain. */
  kind: string;
  comment: string;
  rule: string;
  packets: number;
  bytes: number;
}

export interface ProxyKernelStatus {
  state: 'installed' | 'none' | 'disabled' | 'unavailable' | 'failed';
  reason: string | null;
  chain: string;
  rules_installed: number;
  updated_at: string | null;
}

export interface IptablesRules {
  enabled: boolean;
  active: boolean;
  reason: string | null;
  input_chain: string;
  families: string[];
  bans: { active: boolean; reason: string | null; entries: Record<string, number> };
  proxies: { name: string; iptables: ProxyKernelStatus; rules: KernelRule[] }[];
  orphans: { name: string; rules: KernelRule[] }[];
}
