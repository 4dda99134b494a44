// The ban list as nftables sets: single addresses in a hash set (one element per ban, added and
// removed one by one), networks in an interval set. Interval elements may not overlap, so the
// networks are written as their union, each piece banned until the last ban covering it ends.
// Each element carries its remaining time as an nft timeout, so the kernel lifts a ban on time
// even while RouteX is not running. Pure.
import { addressValue, prefixRange, rangeText, type Family } from './address-ranges.js';

export interface KernelBanEntry {
  /** Canonical CIDR (`203.0.113.7/32`, `2001:db8::/48`). */
  target: string;
  /** Unix ms; null = until unbanned. */
  expiresAtMs: number | null;
}

export interface ParsedBan {
  family: Family;
  /** The address alone for a /32 or /128, else null (a network). */
  address: string | null;
  from: bigint;
  to: bigint;
}

export function parseBanTarget(target: string): ParsedBan | null {
  const [ip = '', prefixText = ''] = target.split('/');
  const family: Family = ip.includes(':') ? 6 : 4;
  const value = addressValue(ip, family);
  const prefix = Number(prefixText);
  const bits = family === 4 ? 32 : 128;
  if (value === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  const [from, to] = prefixRange(value, prefix, family);
  return { family, address: prefix === bits ? ip : null, from, to };
}

/** ` timeout 42s`, or nothing for a ban without end; null when the ban is already over. */
export function timeoutText(expiresAtMs: number | null, nowMs: number): string | null {
  if (expiresAtMs === null) return '';
  const seconds = Math.ceil((expiresAtMs - nowMs) / 1000);
  return seconds <= 0 ? null : ` timeout ${seconds}s`;
}

/** The single-address element of a ban, or null (a network, or over). */
export function addressElement(ban: KernelBanEntry, nowMs: number): { family: Family; key: string; text: string } | null {
  const parsed = parseBanTarget(ban.target);
  const timeout = timeoutText(ban.expiresAtMs, nowMs);
  if (parsed === null || parsed.address === null || timeout === null) return null;
  return { family: parsed.family, key: parsed.address, text: `${parsed.address}${timeout}` };
}

/** The union of the network bans of `family`, as interval elements with timeouts. */
export function networkElements(bans: readonly KernelBanEntry[], family: Family, nowMs: number): string[] {
  const pieces: { from: bigint; to: bigint; until: number }[] = [];
  for (const ban of bans) {
    const parsed = parseBanTarget(ban.target);
    if (parsed === null || parsed.family !== family || parsed.address !== null) continue;
    if (ban.expiresAtMs !== null && ban.expiresAtMs <= nowMs) continue;
    pieces.push({ from: parsed.from, to: parsed.to, until: ban.expiresAtMs ?? Number.POSITIVE_INFINITY });
  }
  const edges = [...new Set(pieces.flatMap((p) => [p.from, p.to + 1n]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const merged: { from: bigint; to: bigint; until: number }[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i]!;
    const to = edges[i + 1]! - 1n;
    let until = -1;
    for (const p of pieces) if (p.from <= from && to <= p.to) until = Math.max(until, p.until);
    if (until < 0) continue;
    const last = merged[merged.length - 1];
    if (last !== undefined && last.to + 1n === from && last.until === until) last.to = to;
    else merged.push({ from, to, until });
  }
  return merged.map((m) => `${rangeText(m.from, m.to, family)}${timeoutText(Number.isFinite(m.until) ? m.until : null, nowMs) ?? ''}`);
}
