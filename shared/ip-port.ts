// The one reader of `ip`, `ip:port` and `[ipv6]:port` text, for config files (dest-ip lists,
// upstream_weights keys, api.bind), API paths (upstream eject/readmit) and the worker, and the one
// spelling of an IP: IPv4 dotted, IPv6 in RFC 5952 form (lowercase, zeros compressed), an
// IPv4-mapped IPv6 address as the IPv4 address it carries. Two texts naming the same address
// compare equal once read here: `2001:DB8::1`, `2001:db8:0:0::1` and `2001:db8::1`;
// `::ffff:10.0.0.1` and `10.0.0.1`.
import { isIP } from 'node:net';
import { formatIpv4, formatIpv6, isV4Mapped, parseIpv6 } from './acl/ip-address.js';

const V4_MAPPED_PREFIX = '::ffff:';

/** `::ffff:1.2.3.4` → `1.2.3.4`, anything else unchanged: for addresses a socket reports, which are canonical otherwise. */
export function unmapIpv4(ip: string): string {
  if (ip.length > V4_MAPPED_PREFIX.length && ip.startsWith(V4_MAPPED_PREFIX) && ip.includes('.')) return ip.slice(V4_MAPPED_PREFIX.length);
  return ip;
}

/** The canonical spelling of an IP address, or undefined when `text` is not one. A `%zone` suffix is kept as written. */
export function canonicalIp(text: string): string | undefined {
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return undefined;
  const words = new Uint32Array(4);
  if (!parseIpv6(text, words)) return undefined;
  if (isV4Mapped(words)) return formatIpv4(words[3]!);
  const zone = text.indexOf('%');
  return zone === -1 ? formatIpv6(words) : `${formatIpv6(words)}${text.slice(zone)}`;
}

/** `1.2.3.4:80`, or `[::1]:80` for IPv6. */
export function formatIpPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface IpPort {
  /** Canonical (see `canonicalIp`), or one of the allowed host names as written. */
  ip: string;
  port?: number;
}

export interface IpPortRules {
  /** `required`: `ip:port` only; `optional`: a bare IP too. */
  port: 'required' | 'optional';
  /** Names accepted in place of an IPv4 address (e.g. `localhost` for api.bind). */
  hostNames?: readonly string[];
}

/** Why a text is not an ip[:port]; `part` is the piece at fault. */
export type IpPortProblem =
  | { problem: 'shape'; part: string }
  | { problem: 'not-ipv6-in-brackets'; part: string }
  | { problem: 'not-an-ip'; part: string }
  | { problem: 'port-range'; part: string };

export type IpPortResult = { ok: true; value: IpPort } | ({ ok: false } & IpPortProblem);

const BRACKETED = /^\[([^\]]*)\](?::(\d+))?$/;
const HOST_AND_PORT = /^([^:[\]]*):(\d+)$/;

function withPort(ip: string, portText: string | undefined, rules: IpPortRules): IpPortResult {
  if (portText === undefined) return rules.port === 'required' ? { ok: false, problem: 'shape', part: ip } : { ok: true, value: { ip } };
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, problem: 'port-range', part: portText };
  return { ok: true, value: { ip, port } };
}

/**
 * Reads `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port` (surrounding blanks ignored). An IPv6 address
 * with a port needs brackets; a bare IPv6 address has none. The IP comes back canonical.
 */
export function parseIpPort(input: string, rules: IpPortRules): IpPortResult {
  const text = input.trim();
  const bracketed = BRACKETED.exec(text);
  if (bracketed !== null) {
    const [, inside = '', portText] = bracketed;
    const ip = isIP(inside) === 6 ? canonicalIp(inside) : undefined;
    if (ip === undefined) return { ok: false, problem: 'not-ipv6-in-brackets', part: inside };
    return withPort(ip, portText, rules);
  }
  const bare = canonicalIp(text);
  if (bare !== undefined) return withPort(bare, undefined, rules);
  const hostAndPort = HOST_AND_PORT.exec(text);
  if (hostAndPort === null) return { ok: false, problem: 'shape', part: text };
  const [, host = '', portText = ''] = hostAndPort;
  const ip = isIP(host) === 4 ? host : rules.hostNames?.includes(host) ? host : undefined;
  if (ip === undefined) return { ok: false, problem: 'not-an-ip', part: host };
  return withPort(ip, portText, rules);
}
