// Addresses as numbers (bigint, for IPv4 and IPv6 alike) and the range texts nft reads. Pure.
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../shared/acl/ip-address.js';

export type Family = 4 | 6;

export const BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

export function maxAddress(family: Family): bigint {
  return (1n << BigInt(BITS[family])) - 1n;
}

/** An address of `family` as a number, or undefined when `ip` is not one. */
export function addressValue(ip: string, family: Family): bigint | undefined {
  if (family === 4) {
    const value = parseIpv4(ip);
    return value < 0 ? undefined : BigInt(value);
  }
  const words = new Uint32Array(4);
  if (!parseIpv6(ip, words)) return undefined;
  return words.reduce((sum, word) => (sum << 32n) | BigInt(word), 0n);
}

export function formatAddress(value: bigint, family: Family): string {
  if (family === 4) return formatIpv4(Number(value));
  return formatIpv6(wordsOf(value));
}

/** The four 32-bit words of an IPv6 address (or an IPv4 one in word 0). */
export function wordsOf(value: bigint, family: Family = 6): Uint32Array {
  const words = new Uint32Array(4);
  if (family === 4) {
    words[0] = Number(value);
    return words;
  }
  for (let w = 3; w >= 0; w--) {
    words[w] = Number(value & 0xffffffffn);
    value >>= 32n;
  }
  return words;
}

/** First and last address of `network/prefix`. */
export function prefixRange(network: bigint, prefix: number, family: Family): [bigint, bigint] {
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (network >> hostBits) << hostBits;
  return [first, first | ((1n << hostBits) - 1n)];
}

/** `10.0.0.0-10.0.0.255`, or the address alone for a one-address range: an interval element. */
export function rangeText(from: bigint, to: bigint, family: Family): string {
  return from === to ? formatAddress(from, family) : `${formatAddress(from, family)}-${formatAddress(to, family)}`;
}
