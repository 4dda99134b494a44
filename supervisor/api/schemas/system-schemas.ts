import { Type } from '@sinclair/typebox';
import { ProxyState } from './proxy-schemas.js';
import { BandwidthReply } from './bandwidth-schemas.js';
import { counterProperties } from './counter-schemas.js';

const Int = Type.Integer;

export const SystemSchema = Type.Object(
  {
    project: Type.String(),
    version: Type.String(),
    pid: Int(),
    uptime_seconds: Int(),
    started_at: Type.String({ format: 'date-time' }),
    timezone: Type.String({ description: 'The IANA zone bandwidth periods use.' }),
    node_version: Type.String(),
    platform: Type.String(),
    arch: Type.String(),
    num_cpu: Int(),
    memory: Type.Object({ rss_bytes: Int(), heap_used_bytes: Int(), heap_total_bytes: Int() }, { additionalProperties: false }),
    proxies_running: Int(),
    workers: Type.Array(
      Type.Object(
        {
          proxy: Type.String(),
          pid: Type.Union([Int(), Type.Null()]),
          state: ProxyState,
          restarts: Int(),
          rss_bytes: Type.Union([Int(), Type.Null()], { description: 'Resident memory of the worker process (from /proc; null when not running or not on Linux).' }),
        },
        { additionalProperties: false },
      ),
    ),
    features: Type.Object(
      { api_tls: Type.Boolean(), cors: Type.Boolean(), metrics: Type.Boolean(), iptables: Type.Boolean(), global_acl: Type.Boolean() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const StatsSchema = Type.Object(
  {
    proxies: Int({ description: 'Proxy files known (running or not).' }),
    proxies_running: Int(),
    active_connections: Int(),
    total_connections: Int(),
    bytes_in: Int(),
    bytes_out: Int(),
    l7_blocked: Int({ description: 'Connections blocked by the L7 engine (0 until it is enabled).' }),
    l7_banned: Int(),
  },
  { additionalProperties: false },
);

const UpstreamTotals = Type.Object({ upstream: Type.String({ description: 'ip:port' }), ...counterProperties('upstream') }, { additionalProperties: false });

export const OverviewProxy = Type.Object(
  {
    name: Type.String(),
    state: ProxyState,
    running: Type.Boolean(),
    active_connections: Int(),
    total_connections: Int(),
    bytes_in: Int(),
    bytes_out: Int(),
    upstreams_healthy: Int(),
    upstreams_total: Int(),
    l7_blocked: Int(),
    suspended: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const OverviewSchema = Type.Object(
  { version: Type.String(), uptime_seconds: Int(), totals: StatsSchema, proxies: Type.Array(OverviewProxy) },
  { additionalProperties: false },
);

export const ProxyStatsSchema = Type.Object(
  {
    name: Type.String(),
    state: ProxyState,
    ...counterProperties('proxy'),
    suspended_reason: Type.Union([Type.String(), Type.Null()]),
    upstreams: Type.Array(UpstreamTotals),
    l7_enabled: Type.Boolean(),
    l7_banned: Int(),
    bandwidth: BandwidthReply,
  },
  { additionalProperties: false },
);
