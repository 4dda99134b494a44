// What an ACL rule's `cidr` covers, as numbers: the family, the network bits and the prefix
// length. Host bits are cleared, a bare IP is a /32 or /128, and an IPv4-mapped IPv6 network
// (`::ffff:10.0.0.0/104`) becomes the IPv4 network it means, so it matches IPv4 clients.
import { parseCidr } from '../config/cidr.js';
import { formatIpv4, formatIpv6, isV4Mapped, parseIpv4, parseIpv6 } from './ip-address.js';

export interface AclTarget {
  family: 4 | 6;
  /** IPv4: the network in `words[0]`; IPv6: all four words. Host bits are zero. */
  words: Uint32Array;
  prefix: number;
}

/** Keeps the first `prefix` bits of the 32-bit words, zeroing the rest. */
function maskWords(words: Uint32Array, count: number, prefix: number): void {
  for (let w = 0; w < count; w++) {
    const keep = Math.min(32, Math.max(0, prefix - 32 * w));
    words[w] = keep === 0 ? 0 : keep === 32 ? words[w]! : (words[w]! & (0xffffffff << (32 - keep))) >>> 0;
  }
}

/** The target of a rule's `cidr` text, or undefined when it is not a CIDR or an IP. */
export function parseAclTarget(text: string): AclTarget | undefined {
  const parsed = parseCidr(text);
  if (!parsed.ok) return undefined;
  const { ip, prefix, family } = parsed.value;
  const words = new Uint32Array(4);
  if (family === 4) {
    const value = parseIpv4(ip);
    if (value < 0) return undefined;
    words[0] = value;
    maskWords(words, 1, prefix);
    return { family: 4, words, prefix };
  }
  if (!parseIpv6(ip, words)) return undefined;
  if (prefix >= 96 && isV4Mapped(words)) {
    words[0] = words[3]!;
    words[1] = words[2] = words[3] = 0;
    maskWords(words, 1, prefix - 96);
    return { family: 4, words, prefix: prefix - 96 };
  }
  maskWords(words, 4, prefix);
  return { family: 6, words, prefix };
}

/** The canonical text of a target: `10.0.0.0/8`, `2001:db8::/32`. Equal texts cover equal addresses. */
export function formatAclTarget(target: AclTarget): string {
  const ip = target.family === 4 ? formatIpv4(target.words[0]!) : formatIpv6(target.words);
  return `${ip}/${target.prefix}`;
}

/**
 * The canonical form of a rule's `cidr` (`1.2.3.4` → `1.2.3.4/32`, `2001:DB8::1/32` →
 * `2001:db8::/32`), or undefined when it is invalid. Two rules with the same key are the same rule.
 */
export function canonicalCidr(text: string): string | undefined {
  const target = parseAclTarget(text);
  return target === undefined ? undefined : formatAclTarget(target);
}

/** True when every address `inner` covers is also covered by `outer`. */
export function targetContains(outer: AclTarget, inner: AclTarget): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const masked = Uint32Array.from(inner.words);
  maskWords(masked, outer.family === 4 ? 1 : 4, outer.prefix);
  return masked.every((word, w) => word === outer.words[w]);
}
