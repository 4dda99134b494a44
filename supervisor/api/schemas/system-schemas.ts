import { Type } from '@sinclair/typebox';
import { ProxyState } from './proxy-schemas.js';
import { BandwidthReply } from './bandwidth-schemas.js';
import { counterProperties } from './counter-schemas.js';

const Int = Type.Integer;

const ClusterView = Type.Union(
  [
    Type.Object({ enabled: Type.Literal(false) }, { additionalProperties: false, description: 'No cluster block (or enabled: false): a single node.' }),
    Type.Object(
      {
        enabled: Type.Literal(true),
        node_id: Type.String(),
        redis: Type.String({ description: 'cluster.redis.url, without a password.' }),
        key_prefix: Type.String(),
        connected: Type.Boolean({ description: 'Connected to Redis (the routex_cluster_connected gauge).' }),
        since: Type.String({ format: 'date-time', description: 'When it last connected or lost the connection.' }),
        last_error: Type.Union([Type.String(), Type.Null()], { description: 'The last connection error.' }),
        outages: Int({ description: 'Times Redis became unreachable since start (a failed first connect included).' }),
        pending: Type.Object(
          {
            unbans: Int({ description: 'Unbans made here while Redis was away, pushed when it is back (bans made meanwhile are pushed from the ban list itself).' }),
            usage_entries: Int({ description: 'Usage deltas of scope-cluster proxies not yet confirmed by Redis (bounded).' }),
            usage_bytes: Int(),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false, description: 'This node in its cluster.' },
    ),
  ],
  { description: 'The cluster link of this node.' },
);

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
      { api_tls: Type.Boolean(), cors: Type.Boolean(), metrics: Type.Boolean(), iptables: Type.Boolean(), global_acl: Type.Boolean(), cluster: Type.Boolean() },
      { additionalProperties: false },
    ),
    cluster: ClusterView,
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
    l7_blocked: Int({ description: 'New connections, UDP sessions and datagrams blocked by the ban list and the L7 engine, all proxies.' }),
    l7_banned: Int({ description: 'Entries on the ban list (one list for all proxies).' }),
  },
  { additionalProperties: false },
);

const UpstreamTotals = Type.Object({ upstream: Type.String({ description: 'ip:port' }), ...counterProperties('upstream') }, { additionalProperties: false });

const RouteTotals = Type.Object(
  {
    route: Type.String({ description: 'The route\'s name; "default" is the proxy\'s own dest-ip/dest-port.' }),
    hosts: Type.Array(Type.String(), { description: 'The host names the route serves (empty for the default route).' }),
    ...counterProperties('route'),
  },
  { additionalProperties: false },
);

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
    routes: Type.Array(RouteTotals, { description: 'Per route, the default route first; only the default route when the proxy has no routes.' }),
    l7_enabled: Type.Boolean(),
    l7_banned: Int({ description: 'Bans on the list that this proxy\'s L7 engine issued.' }),
    bandwidth: BandwidthReply,
  },
  { additionalProperties: false },
);
