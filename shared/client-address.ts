// A connection's client address is computed once, here, and every layer (ACL, bans, L7, logs,
// balancer) reads it from the result — never from `socket.remoteAddress` directly. When PROXY
// protocol from trusted filters arrives, this is the one place that learns about it.

const V4_MAPPED_PREFIX = '::ffff:';

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else unchanged. */
export function normalizeIp(ip: string): string {
  if (ip.length > V4_MAPPED_PREFIX.length && ip.startsWith(V4_MAPPED_PREFIX) && ip.includes('.')) {
    return ip.slice(V4_MAPPED_PREFIX.length);
  }
  return ip;
}

export interface ClientAddress {
  ip: string;
  port: number;
}

export function clientAddressOf(remoteAddress: string | undefined, remotePort: number | undefined): ClientAddress {
  return { ip: normalizeIp(remoteAddress ?? ''), port: remotePort ?? 0 };
}
