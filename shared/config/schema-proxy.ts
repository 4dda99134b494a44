// The schema of one proxy file (configs/proxies/*.yaml). Key names are the spec's, hyphens and all.
// Fields without a default here (timeouts, health_check, udp_max_sessions, logging.level) inherit
// from global.yaml when absent; that merge happens in resolve-proxy.ts.
import { Type, type Static } from '@sinclair/typebox';
import { ProxyAclSchema } from './schema-acl.js';
import { Block, ByteCount, Choice, Duration, Flag, Formatted, List, Text, Whole } from './schema-common.js';
import { LOG_LEVELS } from './schema-global.js';
import { L7Schema } from './schema-l7.js';
import { ProxyProtocolSchema } from './schema-proxy-protocol.js';
import { LoadBalancingSchema } from './schema-balancing.js';
import { A2sCacheSchema, OfflineStatusSchema, RouteListSchema, RoutingSchema, StatusCacheSchema } from './schema-routing.js';
import { RateLimitsSchema } from './schema-rate-limits.js';

export const PROTOCOLS = ['tcp', 'udp', 'tcp-udp'] as const;
export { ALGORITHMS } from './schema-balancing.js';
export const BANDWIDTH_SCOPES = ['node', 'cluster'] as const;
export const DATA_PATHS = ['userspace', 'kernel'] as const;

function PortSpec(description: string) {
  return Type.Unsafe<string | number>({ type: ['string', 'integer'], format: 'port-spec', minimum: 1, maximum: 65_535, description });
}

const TimeoutsSchema = Block(
  {
    upstream_connect: Duration('Longest time to connect to an upstream, more than 0; absent = defaults.upstream_connect_timeout.'),
    upstream_read: Duration('Idle timeout on the upstream side; 0 = none; absent = defaults.upstream_read_timeout.'),
    upstream_write: Duration('How long a write to the upstream may stay blocked; 0 = none; absent = defaults.upstream_write_timeout.'),
    client_read: Duration('Idle timeout on the client side; 0 = none; absent = defaults.client_read_timeout.'),
    client_write: Duration('How long a write to the client may stay blocked; 0 = none; absent = defaults.client_write_timeout.'),
    udp_session_timeout: Duration('Idle time after which a UDP session ends, more than 0; absent = defaults.udp_session_timeout.'),
  },
  'Timeouts of this proxy; an absent field inherits its global default, an explicit 0 on a read or write timeout means none.',
);

const BandwidthSchema = Block(
  {
    enabled: Flag('Applies the limits below. Usage is tracked either way (see GET /api/bandwidth/proxy/{name}).', false),
    hourly_limit: ByteCount('Bytes (in + out) allowed per clock hour; 0 = unlimited.', 0),
    daily_limit: ByteCount('Bytes allowed per day, from midnight in the global timezone; 0 = unlimited.', 0),
    weekly_limit: ByteCount('Bytes allowed per week, from Monday 00:00; 0 = unlimited.', 0),
    monthly_limit: ByteCount('Bytes allowed per calendar month; 0 = unlimited.', 0),
    suspend_on_limit: Flag('Refuses new connections and UDP sessions once a limit is passed, until that period ends; false only reports it.', false),
    scope: Type.Optional(
      Choice(
        BANDWIDTH_SCOPES,
        'What the limits count (an addition to the spec): node = this node\'s bytes; cluster = the bytes of this proxy (same name) on every node of the cluster, counted in Redis (needs cluster.enabled in global.yaml).',
        'node',
      ),
    ),
  },
  'Bandwidth tracking and quotas.',
);

export const ProxyFileSchema = Type.Object(
  {
    name: Formatted('proxy-name', 'Unique name: 1-64 letters, digits, ".", "_" or "-"; used in logs, metrics, the API and iptables comments.'),
    enabled: Flag('Whether the proxy runs; true when absent, so a file dropped into configs/proxies/ starts (the Go original defaulted to false).', true),
    description: Text('Free text shown in API responses.', ''),
    metadata: Block(
      {
        tags: List(Type.String({ description: 'One tag.' }), 'Labels for dashboards and filtering.', []),
        owner: Text('Who runs this proxy.', ''),
      },
      'Tags and ownership, echoed by the API.',
    ),
    'origin-ip': Formatted('ip-list', 'Addresses to listen on, comma-separated: "0.0.0.0" (every IPv4 address), "::" (every address) or specific IPs like "192.168.1.10, 10.0.0.5".'),
    'origin-port': PortSpec('Ports to listen on: 25565, "25565:25575" or "25565,27015:27020"; every port of every origin IP gets a listener.'),
    'dest-ip': Formatted('ip-list', 'Upstream addresses, comma-separated, like "10.0.0.1, 10.0.0.2".'),
    'dest-port': PortSpec('Upstream ports: 35565, "35565:35575" or a comma list; every dest IP × dest port is an upstream.'),
    'one-to-one': Flag('true: origin port N goes to dest port N by position (both lists the same size); false: any origin port reaches every upstream.', false),
    protocol: Choice(PROTOCOLS, 'tcp, udp, or tcp-udp (a TCP and a UDP listener on every origin ip:port).'),
    data_path: Type.Optional(
      Choice(
        DATA_PATHS,
        'userspace: the worker relays every connection (every feature). kernel: nftables DNAT forwards the packets (a fraction of the CPU per connection), the worker only runs health checks; settings that need the worker on the path are refused (see "Kernel forwarding" in the README). Needs root or CAP_NET_ADMIN and the nft binary.',
        'userspace',
      ),
    ),
    max_listeners: Whole(
      'Most listeners (origin IPs × origin ports × protocols) this proxy may open; more is a config error, so a typo like "25565:35565" cannot open 10,000 sockets. Raise it for a deliberately wide range.',
      1000,
      { minimum: 1, maximum: 1_000_000 },
    ),
    udp_max_sessions: Whole('Most concurrent UDP sessions of this proxy (an addition to the spec); absent = defaults.udp_max_sessions.', undefined, { minimum: 1 }),
    load_balancing: LoadBalancingSchema,
    timeouts: TimeoutsSchema,
    connection_draining: Block(
      {
        enabled: Flag('On stop or reload, lets live connections finish (up to timeout) instead of closing them at once.', true),
        timeout: Duration('Longest wait for live connections before they are closed.', '30s'),
      },
      'Connection draining on stop and reload.',
    ),
    logging: Block(
      {
        level: Type.Optional(Choice(LOG_LEVELS, 'Log level for this proxy; absent = logging.level of global.yaml.')),
        log_connections: Flag('Logs each connection accepted, denied and closed (client, bytes in/out, duration).', false),
        log_bytes: Flag('Logs per-connection byte counts (noisy; for debugging only).', false),
      },
      'Access logging for this proxy.',
    ),
    tls: Block(
      {
        passthrough: Flag('RouteX never terminates TLS: encrypted bytes are forwarded as they are. Must be true (false, i.e. termination, is refused as unsupported).', true),
        sni_routing: Flag('true is the same as routing.by: tls-sni (routes chosen by the ClientHello\'s server_name); kept for files written for the original RouteX.', false),
      },
      'TLS passthrough.',
    ),
    proxy_protocol: ProxyProtocolSchema,
    routing: RoutingSchema,
    routes: RouteListSchema,
    status_cache: StatusCacheSchema,
    offline_status: OfflineStatusSchema,
    a2s_cache: A2sCacheSchema,
    rate_limits: RateLimitsSchema,
    l7_protection: L7Schema,
    acl: ProxyAclSchema,
    bandwidth: BandwidthSchema,
  },
  { additionalProperties: false, title: 'RouteX proxy file', description: 'One proxy: its listeners, upstreams and protections.' },
);

/** A proxy file as written: only name, origin-ip, origin-port, dest-ip, dest-port and protocol are required. */
export type ProxyFile = Static<typeof ProxyFileSchema>;
