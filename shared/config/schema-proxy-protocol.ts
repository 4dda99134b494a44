// proxy_protocol: real client addresses. `send` writes a PROXY header to backends (TCP and UDP),
// `receive` reads one from trusted filters or load balancers in front. Key names follow the
// proposal in the PROXY protocol reference (§6).
import { Type, type TArray, type TOptional, type TSchema } from '@sinclair/typebox';
import { Block, Choice, Duration, Flag, Formatted, List, Whole } from './schema-common.js';

export const SEND_TCP_VERSIONS = ['off', 'v1', 'v2'] as const;
export const SEND_UDP_VERSIONS = ['off', 'v2'] as const;
export const UDP_HEADER_MODES = ['first', 'every'] as const;
export const HEALTH_CHECK_HEADERS = ['local', 'proxy', 'none'] as const;
export const RECEIVE_VERSIONS = ['v1', 'v2'] as const;
export const RECEIVE_TRANSPORTS = ['tcp', 'udp'] as const;
export const UNTRUSTED_PEER_POLICIES = ['reject', 'drop', 'plain'] as const;

/** The spec's floor for the header wait: one TCP retransmit must fit in it. */
export const MIN_HEADER_TIMEOUT_MS = 3000;
/** The longest v1 line; a smaller cap could refuse valid v1 headers. */
export const MIN_MAX_HEADER_BYTES = 107;
/** 16 fixed bytes + the largest 16-bit length. */
export const MAX_MAX_HEADER_BYTES = 16 + 0xffff;

/** A list of distinct choices with at least one. */
function NonEmptySet<T extends TSchema>(items: T, description: string, defaultValue: unknown[]): TOptional<TArray<T>> {
  return Type.Optional(Type.Array(items, { minItems: 1, uniqueItems: true, description, default: defaultValue }));
}

const SendSchema = Block(
  {
    tcp: Type.Optional(Choice(SEND_TCP_VERSIONS, 'Header sent to the backend before the first byte of each TCP connection: off, v1 (text) or v2 (binary, recommended). The backend must expect it (Velocity haproxy-protocol, Paper proxies.proxy-protocol, BungeeCord proxy_protocol): one that does not reads it as garbage.', 'off')),
    udp: Type.Optional(Type.Unsafe<(typeof SEND_UDP_VERSIONS)[number]>({
      type: 'string',
      enum: [...SEND_UDP_VERSIONS],
      format: 'udp-proxy-version',
      default: 'off',
      description: 'Header sent to the backend on UDP sessions: off or v2 (v1 cannot describe UDP). For Geyser (use-haproxy-protocol) with udp_header: first.',
    })),
    udp_header: Type.Optional(Choice(UDP_HEADER_MODES, 'Which datagrams carry the UDP header: first (only the first datagram of each session; what Geyser/CloudburstMC RakNet expects) or every (each datagram, as the 2026 spec revision and go-proxyproto read it). Each session keeps its own upstream source port either way.', 'first')),
    unique_id: Flag('Adds a UNIQUE_ID TLV to v2 headers: "<worker token>-<connection id>", also logged with the connection, to join RouteX logs with the backend\'s (HAProxy: %[fc_pp_unique_id]). Ignored with v1.', true),
    health_check: Type.Optional(Choice(HEALTH_CHECK_HEADERS, 'What TCP health probes send when tcp is not off: local (v2 LOCAL, or a v1 line of the probe\'s own addresses), proxy (a full header of the probe\'s own addresses; Velocity refuses LOCAL) or none (connect only).', 'local')),
  },
  'Sending a PROXY protocol header to backends, so they see the client\'s address instead of RouteX\'s.',
);

const ReceiveSchema = Block(
  {
    enabled: Flag('Reads a PROXY header from peers in trusted_cidrs (a filter or load balancer in front); the address in it becomes the client address for ACLs, bans, L7, balancing, logs, metrics and the header sent onward.', false),
    versions: NonEmptySet(Choice(RECEIVE_VERSIONS, 'v1 or v2.'), 'Header versions accepted (UDP takes v2 only).', ['v1', 'v2']),
    transports: NonEmptySet(Choice(RECEIVE_TRANSPORTS, 'tcp or udp.'), 'Listeners that read headers: tcp, and udp to read a v2 header on the datagrams of trusted peers.', ['tcp']),
    trusted_cidrs: List(Formatted('cidr', 'A trusted sender: a CIDR or an IP.'), 'Addresses of the senders allowed to set the client address; required when enabled. Never a range your players connect from.', []),
    from_untrusted: Type.Optional(Choice(UNTRUSTED_PEER_POLICIES, 'What a peer outside trusted_cidrs gets: reject (a direct client, closed if its first bytes are a PROXY header; it must send first, within header_timeout), drop (closed at once, for ports only the filter may reach) or plain (a direct client, bytes not looked at).', 'reject')),
    require_from_trusted: Flag('A trusted peer must send a header (as the spec wants); false lets a trusted peer without one through as a direct client.', true),
    header_timeout: Duration('Longest wait from the accept for a trusted peer\'s complete header (and, with from_untrusted: reject, for an untrusted peer\'s first bytes), at least 3s (one TCP retransmit); the connection is closed after it.', '5s'),
    max_header_bytes: Whole('Longest header accepted, TLVs included; longer ones close the connection.', 536, { minimum: MIN_MAX_HEADER_BYTES, maximum: MAX_MAX_HEADER_BYTES }),
  },
  'Receiving a PROXY protocol header from trusted filters or load balancers in front of RouteX.',
);

export const ProxyProtocolSchema = Block({ send: SendSchema, receive: ReceiveSchema }, 'PROXY protocol (v1/v2): carrying the real client address to backends and from filters in front.');
