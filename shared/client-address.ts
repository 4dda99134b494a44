// A connection's client address is computed once, here, and every layer (ACL, bans, L7, logs,
// balancer) reads it from the result — never from `socket.remoteAddress` directly. When PROXY
// protocol from trusted filters arrives, this is the one place that learns about it.
import { unmapIpv4 } from './ip-port.js';

export interface ClientAddress {
  ip: string;
  port: number;
}

export function clientAddressOf(remoteAddress: string | undefined, remotePort: number | undefined): ClientAddress {
  return { ip: unmapIpv4(remoteAddress ?? ''), port: remotePort ?? 0 };
}
