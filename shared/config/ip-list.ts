// Comma-separated IP lists (`origin-ip`, `dest-ip`), each IP in its canonical spelling (see
// shared/ip-port.ts), so that `::1`, `0:0::1` and `::0001` compare equal everywhere (weights,
// overlap checks, ACLs, the API's upstream eject).
import { canonicalIp } from '../ip-port.js';
import { fail, ok, type Parsed } from './parsed.js';

/** Splits `"10.0.0.1, 10.0.0.2"` into canonical IPs, in written order, without duplicates. */
export function parseIpList(list: string): Parsed<string[]> {
  const tokens = list.split(',').map((token) => token.trim()).filter((token) => token !== '');
  if (tokens.length === 0) return fail('must list at least one IP address, like "10.0.0.1" or "10.0.0.1, 10.0.0.2"');
  const ips = new Set<string>();
  for (const token of tokens) {
    const ip = canonicalIp(token);
    if (ip === undefined) return fail(`"${token}" is not an IPv4 or IPv6 address`);
    ips.add(ip);
  }
  return ok([...ips]);
}

/** `0.0.0.0` or `::`: binds every address of its family (`::` also takes IPv4 on a dual-stack host). */
export function isUnspecifiedIp(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}
