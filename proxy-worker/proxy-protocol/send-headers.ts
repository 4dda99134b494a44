// The headers a proxy sends to its backends, chosen from `proxy_protocol.send`: before the first
// byte of a TCP connection, on a UDP session's datagrams, and on TCP health probes.
import type net from 'node:net';
import { unmapIpv4 } from '../../shared/ip-port.js';
import type { ListenerSpec, ProxyProtocolSendConfig } from '../../shared/config/resolved-types.js';
import { isUnspecifiedIp } from '../../shared/config/ip-list.js';
import { V2_LOCAL_HEADER, encodeV1, encodeV2, type Endpoint } from './header-encoder.js';
import type { UniqueIds } from './unique-ids.js';

/**
 * The address a client reached: the listener's own, or for a wildcard listener ("0.0.0.0", "::")
 * the socket's local address (read only then: it costs a getsockname).
 */
export function reachedAddress(spec: ListenerSpec, socket: net.Socket): Endpoint {
  if (!isUnspecifiedIp(spec.ip)) return spec;
  return { ip: unmapIpv4(socket.localAddress ?? spec.ip), port: socket.localPort ?? spec.port };
}

/** The header written before the first byte of a TCP connection to the backend, or null when off. */
export function tcpHeader(send: ProxyProtocolSendConfig, client: Endpoint, reached: Endpoint, ids: UniqueIds, connectionId: number): Buffer | null {
  if (send.tcp === 'off') return null;
  if (send.tcp === 'v1') return encodeV1(client, reached);
  return encodeV2('tcp', client, reached, send.uniqueId ? ids : null, connectionId);
}

/**
 * The header of a UDP session's datagrams, or null when off. `reached` is the listener: a
 * wildcard listener cannot tell which local address a datagram came to, so it is sent as is.
 */
export function udpHeader(send: ProxyProtocolSendConfig, client: Endpoint, reached: Endpoint, ids: UniqueIds, connectionId: number): Buffer | null {
  if (send.udp === 'off') return null;
  return encodeV2('udp', client, reached, send.uniqueId ? ids : null, connectionId);
}

/** The UNIQUE_ID a connection's header carries, for its log lines; undefined when none is sent. */
export function sentUniqueId(send: ProxyProtocolSendConfig, transport: 'tcp' | 'udp', ids: UniqueIds, connectionId: number): string | undefined {
  const version = transport === 'tcp' ? send.tcp : send.udp;
  return version === 'v2' && send.uniqueId ? ids.text(connectionId) : undefined;
}

/**
 * What RouteX writes first on a connection of its own to a backend that expects PROXY headers
 * (a status fetch for the status cache): like a health probe's header, and never nothing, since
 * such a backend refuses a connection without one. Null when `tcp` is off.
 */
export function fetchHeader(send: ProxyProtocolSendConfig): ((socket: net.Socket) => Buffer) | null {
  return probeHeader(send.healthCheck === 'none' ? { ...send, healthCheck: 'proxy' } : send);
}

/** The header in front of a UDP datagram RouteX sends on its own behalf (a cache's ping or query): v2 LOCAL, or null when `udp` is off. */
export function udpFetchHeader(send: ProxyProtocolSendConfig): Buffer | null {
  return send.udp === 'off' ? null : (V2_LOCAL_HEADER as Buffer);
}

/**
 * What a TCP health probe writes once connected, given its socket: nothing, the v2 LOCAL header,
 * or a full header of the probe's own endpoints (v1 has no LOCAL; the spec asks for a real line
 * rather than UNKNOWN).
 */
export function probeHeader(send: ProxyProtocolSendConfig): ((socket: net.Socket) => Buffer) | null {
  if (send.tcp === 'off' || send.healthCheck === 'none') return null;
  if (send.tcp === 'v2' && send.healthCheck === 'local') return () => V2_LOCAL_HEADER as Buffer;
  return (socket) => {
    const own = { ip: unmapIpv4(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    const upstream = { ip: unmapIpv4(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    return send.tcp === 'v1' ? encodeV1(own, upstream) : encodeV2('tcp', own, upstream);
  };
}
