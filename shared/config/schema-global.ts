// The schema of global.yaml: settings shared by every proxy. Descriptions double as the README's
// configuration reference, so they speak to the operator.
import { Type, type Static } from '@sinclair/typebox';
import { GlobalAclSchema } from './schema-acl.js';
import { ClusterSchema } from './schema-cluster.js';
import { Block, Choice, Duration, Flag, Formatted, List, Text, Whole } from './schema-common.js';

export const API_PERMISSIONS = ['*', 'proxies:read', 'metrics:read'] as const;
export const METRICS_FORMATS = ['json', 'prometheus', 'influx', 'csv'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const ApiKeySchema = Type.Object(
  {
    key: Formatted('non-blank', 'The secret a client sends in X-API-Key, Authorization: Bearer or ?api_key=.'),
    label: Formatted('non-blank', 'A name for the key, shown in logs instead of the secret.'),
    permissions: Type.Array(Choice(API_PERMISSIONS, 'A scope: "*" (everything), "proxies:read" or "metrics:read".'), {
      minItems: 1,
      description: 'What the key may do; "*" is full access, including every write.',
    }),
  },
  { additionalProperties: false, description: 'One API credential.' },
);

const ApiSchema = Block(
  {
    enabled: Flag('Starts the REST API; false means no API listener at all.', false),
    bind: Type.Optional(Formatted('host-port', 'Address the API listens on: an IP or "localhost" and a port, like "127.0.0.1:9000" or "[::1]:9000".', '127.0.0.1:9000')),
    api_keys: List(ApiKeySchema, 'The accepted keys; at least one is required when the API is enabled.', []),
    tls: Block(
      {
        enabled: Flag('Serves the API over HTTPS.', false),
        cert: Text('Path to the PEM certificate (required when tls.enabled is true).', ''),
        key: Text('Path to the PEM private key (required when tls.enabled is true).', ''),
      },
      'HTTPS for the API server.',
    ),
    cors_origins: List(Formatted('origin', 'An allowed browser origin like "https://dash.example.com", or "*".'), 'Browser origins allowed to call the API (an addition to the spec); empty means CORS is off.', []),
    max_body_bytes: Whole('Largest request body the API accepts, in bytes (an addition to the spec).', 1_048_576, { minimum: 1 }),
    dashboard: Flag('Serves the built-in web dashboard at /dashboard/ (and redirects / there), on the same bind and TLS as the API; false answers 404 there (an addition to the spec).', true),
  },
  'The REST API and its credentials.',
);

const MetricsSchema = Block(
  {
    enabled: Flag('Records the metric history to SQLite (/api/stats/proxy/{name}/history); /metrics answers from live counters either way.', false),
    retention_hours: Whole('How long metric history is kept, in hours.', 168),
    flush_interval_seconds: Whole('How often in-memory counters are written to SQLite, in seconds.', 10),
    sqlite_path: Text('SQLite database file; a relative path is relative to the folder of global.yaml.', './routex_metrics.db'),
    formats: List(Choice(METRICS_FORMATS, 'One of json, prometheus, influx, csv.'), 'Formats served at /metrics?format=X.', [...METRICS_FORMATS]),
  },
  'Metrics collection and storage.',
);

const NetworkSchema = Block(
  {
    socket_buffer_size: Whole('Bytes the relay buffers per TCP socket and direction before it pauses the other side (backpressure). Node cannot set SO_RCVBUF on TCP sockets, so this is the userland buffer; the kernel sizes its own. 0 = Node\'s default.', 65_536),
    tcp_keepalive_enabled: Flag('Sends TCP keepalive probes on client and upstream connections.', true),
    tcp_keepalive_interval: Duration('Idle time before the first keepalive probe; a bare number is seconds.', 30),
    tcp_nodelay: Flag('Disables Nagle\'s algorithm on client and upstream sockets, for lower latency.', true),
    udp_read_buffer: Whole('Receive buffer (SO_RCVBUF) of each UDP listening socket, in bytes, capped by the kernel at net.core.rmem_max; 0 keeps the OS default.', 4_194_304),
    udp_write_buffer: Whole('Send buffer (SO_SNDBUF) of each UDP listening socket, which sends the replies, in bytes, capped at net.core.wmem_max; 0 keeps the OS default.', 4_194_304),
    listen_backlog: Whole('Connections each TCP listening socket queues while no worker accepts them (a worker restart or crash): past it the kernel refuses. The kernel caps it at net.core.somaxconn (4096 by default). A change restarts the workers (listen() sets it).', 4096, { minimum: 1, maximum: 65_535 }),
  },
  'Socket options applied to every proxy.',
);

const DefaultsSchema = Block(
  {
    upstream_connect_timeout: Duration('Longest time to establish a TCP connection to an upstream; must be more than 0.', '5s'),
    upstream_read_timeout: Duration('Idle timeout on the upstream side: no bytes from it for this long closes the connection; 0 = none.', '30s'),
    upstream_write_timeout: Duration('How long a write to the upstream may stay blocked; 0 = none.', '30s'),
    client_read_timeout: Duration('Idle timeout on the client side: no bytes from it for this long closes the connection; 0 = none.', '30s'),
    client_write_timeout: Duration('How long a write to the client may stay blocked; 0 = none.', '30s'),
    health_check_interval: Duration('How often each upstream is probed.', '10s'),
    health_check_timeout: Duration('How long one probe may take; must be less than the interval.', '3s'),
    health_check_failures_before_eject: Whole('Consecutive failed probes that mark an upstream unhealthy.', 3, { minimum: 1 }),
    health_check_passes_before_readmit: Whole('Consecutive passed probes that mark an unhealthy upstream healthy again.', 2, { minimum: 1 }),
    udp_session_timeout: Duration('A UDP session with no datagram either way for this long ends; must be more than 0.', '60s'),
    udp_max_sessions: Whole('Most concurrent UDP sessions per proxy (an addition to the spec); datagrams that would open one more are dropped and counted.', 20_000, { minimum: 1 }),
  },
  'Defaults for every proxy, overridable per proxy under timeouts: and load_balancing.health_check:.',
);

const IptablesSchema = Block(
  {
    enabled: Flag('Manages kernel rate-limit rules with iptables (needs root or CAP_NET_ADMIN).', false),
    chain_prefix: Type.Optional(Formatted('chain-prefix', 'Prefix of RouteX\'s chains: <prefix>-INPUT, jumped to from INPUT, and one chain per proxy.', 'ROUTEX')),
    comment_prefix: Type.Optional(Formatted('comment-prefix', 'Prefix of rule comments, used to find and remove RouteX\'s rules.', 'RouteX')),
    auto_create_chains: Flag('Creates RouteX\'s chains and the jump from INPUT when they are missing.', true),
    flush_on_start: Flag('Removes every RouteX rule at start before creating the current ones.', false),
    ipv6_enabled: Flag('Also manages ip6tables rules for IPv6 clients.', false),
  },
  'Kernel-level rate limiting.',
);

const LoggingSchema = Block(
  {
    level: Type.Optional(Choice(LOG_LEVELS, 'Least severe level logged: debug, info, warn or error.', 'info')),
    format: Type.Optional(Choice(['json', 'text'] as const, 'json (structured, one object per line) or text (for a console).', 'json')),
    output: Type.Optional(Choice(['stdout', 'file'] as const, 'stdout, or file (written to file_path).', 'stdout')),
    file_path: Text('Log file when output is file; a relative path is relative to the folder of global.yaml.', './routex.log'),
    max_size_mb: Whole('Size in MB at which the log file is rotated.', 100),
    max_backups: Whole('Rotated log files kept.', 5),
  },
  'Process logging.',
);

export const GlobalFileSchema = Type.Object(
  {
    api: ApiSchema,
    timezone: Text('IANA time zone for bandwidth quota periods, like "Europe/London"; an unknown zone falls back to UTC with a warning.', 'UTC'),
    metrics: MetricsSchema,
    network: NetworkSchema,
    defaults: DefaultsSchema,
    iptables: IptablesSchema,
    acl: GlobalAclSchema,
    logging: LoggingSchema,
    cluster: ClusterSchema,
  },
  { additionalProperties: false, title: 'RouteX global.yaml', description: 'Settings shared by every proxy.' },
);

/** global.yaml as written: every key optional. */
export type GlobalFile = Static<typeof GlobalFileSchema>;
