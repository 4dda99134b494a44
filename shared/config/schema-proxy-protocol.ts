// proxy_protocol: real client addresses. `send` writes a PROXY header to backends (TCP and UDP).
// Key names follow the proposal in the PROXY protocol reference (§6).
import { Type } from '@sinclair/typebox';
import { Block, Choice, Flag } from './schema-common.js';

export const SEND_TCP_VERSIONS = ['off', 'v1', 'v2'] as const;
export const SEND_UDP_VERSIONS = ['off', 'v2'] as const;
export const UDP_HEADER_MODES = ['first', 'every'] as const;
export const HEALTH_CHECK_HEADERS = ['local', 'proxy', 'none'] as const;

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

export const ProxyProtocolSchema = Block({ send: SendSchema }, 'PROXY protocol (v1/v2): carrying the real client address to backends.');
