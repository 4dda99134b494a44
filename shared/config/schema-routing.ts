// Game-aware routing and answering: `routing` + `routes` choose a pool from a connection's first
// bytes (the Minecraft handshake's server address or the TLS SNI name); `status_cache`,
// `offline_status` and `a2s_cache` let the proxy answer server-list pings and queries itself.
import { Type } from '@sinclair/typebox';
import { LoadBalancingSchema } from './schema-balancing.js';
import { Block, Choice, Duration, Flag, Formatted, Text, Whole } from './schema-common.js';

export const ROUTING_KEYS = ['none', 'minecraft-host', 'tls-sni'] as const;
export const UNKNOWN_HOST_POLICIES = ['default', 'reject'] as const;
/** The name of the route the proxy's own dest-ip/dest-port form. */
export const DEFAULT_ROUTE = 'default';
/** Most routes per proxy and hosts per route: a table an operator writes by hand, not a database. */
export const MAX_ROUTES = 1000;
export const MAX_HOSTS_PER_ROUTE = 1000;

export const RoutingSchema = Block(
  {
    by: Type.Optional(Choice(
      ROUTING_KEYS,
      'What picks the route: minecraft-host (the server address of the Minecraft Java handshake), tls-sni (the server_name of the TLS ClientHello) or none (every connection uses the top-level dest-ip/dest-port).',
      'none',
    )),
    unknown: Type.Optional(Choice(
      UNKNOWN_HOST_POLICIES,
      'A host no route lists: default sends it to the top-level dest-ip/dest-port; reject refuses it (Minecraft gets reject_motd or reject_message, TLS a close).',
      'default',
    )),
    handshake_timeout: Duration(
      'Longest wait, from the accept, for the Minecraft handshake or TLS ClientHello a route (or a status answer) needs; then the connection is closed.',
      '10s',
    ),
    reject_motd: Text('The MOTD a Minecraft server-list ping for an unknown host shows when unknown is reject.', 'Unknown server address'),
    reject_message: Text('The disconnect message a Minecraft login to an unknown host shows when unknown is reject.', 'There is no server at this address. Check the address and try again.'),
  },
  'How a connection picks a route. UDP listeners always use the top-level destination (neither key exists in a datagram).',
);

const RouteSchema = Type.Object(
  {
    name: Type.Optional(Formatted('non-blank', 'Shown in the API, metrics and logs; absent = the first host. "default" names the top-level destination.')),
    hosts: Type.Array(Formatted('route-host', 'An exact host name or a "*." wildcard (any name below it); case-insensitive, a trailing dot ignored.'), {
      minItems: 1,
      maxItems: MAX_HOSTS_PER_ROUTE,
      description: 'The host names this route serves.',
    }),
    'dest-ip': Formatted('ip-list', "This route's upstream addresses, comma-separated."),
    'dest-port': Type.Unsafe<string | number>({
      type: ['string', 'integer'],
      format: 'port-spec',
      minimum: 1,
      maximum: 65_535,
      description: "This route's upstream ports; every dest IP × dest port is an upstream.",
    }),
    load_balancing: LoadBalancingSchema,
  },
  {
    additionalProperties: false,
    description: "One route: its hosts and its own pool. Absent health_check fields inherit the proxy's load_balancing.health_check, then global defaults.",
  },
);

export const RouteListSchema = Type.Optional(
  Type.Array(RouteSchema, {
    maxItems: MAX_ROUTES,
    default: [],
    description: 'Routes by host name, each with its own upstreams, balancing and health checks; used when routing.by is not none.',
  }),
);

export const StatusCacheSchema = Block(
  {
    enabled: Flag('Answers server-list pings from a cached status: Minecraft Java on TCP listeners (per route and client protocol version), Bedrock unconnected pings on UDP listeners.', false),
    ttl: Duration('How long a fetched status is served; at most one backend fetch per route and protocol version per ttl.', '5s'),
    max_entries: Whole('Most cached statuses per route; a new protocol version past this is answered from the route\'s newest entry (no extra fetch).', 32, { minimum: 1, maximum: 4096 }),
  },
  'Server-list status answered by the proxy from cache. Logins always go to a backend.',
);

export const OfflineStatusSchema = Block(
  {
    enabled: Flag('Answers pings and logins itself when no backend of the route is healthy or the dial fails, instead of closing the connection.', false),
    motd: Text('The MOTD of the offline status.', 'Server offline'),
    version_name: Text('The version text of the offline status (a Java client shows it when version_protocol differs from its own).', 'Offline'),
    version_protocol: Type.Optional(
      Type.Integer({
        minimum: -1,
        maximum: 2_147_483_647,
        description: 'The protocol number in the offline status; absent = the client\'s own (it then shows the player counts); -1 makes a Java client show version_name.',
      }),
    ),
    max_players: Whole('The max players shown in the offline status.', 0),
    favicon: Text('A 64×64 PNG file shown as the server icon in the offline status (Java); relative paths are from the proxy file\'s folder; empty = none.', ''),
    disconnect_message: Text('The message a Minecraft Java login gets when the route is offline.', 'The server is offline. Please try again later.'),
  },
  'What players see when every backend of a route is down: a Java status and login disconnect, a Bedrock pong.',
);

export const A2sCacheSchema = Block(
  {
    enabled: Flag('Answers Source A2S queries (UDP) itself, with its own S2C_CHALLENGE exchange, from replies fetched from a backend at most once per ttl.', false),
    ttl: Duration('How long a fetched A2S reply is served.', '5s'),
    players: Flag('Also answers A2S_PLAYER from cache; false passes it to the backend.', true),
    rules: Flag('Also answers A2S_RULES from cache; false passes it to the backend.', true),
  },
  'Source engine query cache: query floods never reach the game server.',
);
