// ACL rule targets: a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a bare IP (a /32 or /128).
import { isIP } from 'node:net';
import { fail, ok, type Parsed } from './parsed.js';

export interface Cidr {
  ip: string;
  prefix: number;
  family: 4 | 6;
}

export function parseCidr(text: string): Parsed<Cidr> {
  const slash = text.indexOf('/');
  const ip = (slash === -1 ? text : text.slice(0, slash)).trim();
  const version = isIP(ip);
  if (version === 0) return fail(`"${text}" is not a CIDR like "10.0.0.0/8" or an IP address`);
  const family = version === 4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  if (slash === -1) return ok({ ip, prefix: max, family });
  const prefixText = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return fail(`invalid prefix length "/${prefixText}" in "${text}": must be 0-${max} for IPv${family}`);
  }
  return ok({ ip, prefix: Number(prefixText), family });
}
