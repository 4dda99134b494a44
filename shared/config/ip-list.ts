// Comma-separated IP lists (`origin-ip`, `dest-ip`) and the canonical spelling of one IP, so that
// `::1`, `0:0::1` and `::0001` compare equal everywhere (weights, overlap checks, ACLs).
import { isIP } from 'node:net';
import { fail, ok, type Parsed } from './parsed.js';

/** Splits `"10.0.0.1, 10.0.0.2"` into canonical IPs, in written order, without duplicates. */
export function parseIpList(list: string): Parsed<string[]> {
  const tokens = list.split(',').map((token) => token.trim()).filter((token) => token !== '');
  if (tokens.length === 0) return fail('must list at least one IP address, like "10.0.0.1" or "10.0.0.1, 10.0.0.2"');
  const ips = new Set<string>();
  for (const token of tokens) {
    if (isIP(token) === 0) return fail(`"${token}" is not an IPv4 or IPv6 address`);
    ips.add(canonicalIp(token));
  }
  return ok([...ips]);
}

/** IPv4 as written (Node's isIP already refuses leading zeros); IPv6 compressed and lowercase. */
export function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6 || ip.includes('%')) return ip.toLowerCase();
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** `0.0.0.0` or `::`: binds every address of its family (`::` also takes IPv4 on a dual-stack host). */
export function isUnspecifiedIp(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}
