// The ban list in RouteX's table, so a banned client of a kernel-mode proxy is dropped before it
// opens a flow. Single addresses are added and removed one by one; network bans are written as
// their union whenever one changes. An expiry needs nothing: the element's own timeout lifts it in
// the kernel. When the kernel disagrees with what RouteX believes (an element expired a moment
// early, a manual edit), every ban set is written afresh.
import type { Ban } from '../../shared/bans/ban.js';
import type { BanChange } from '../bans/ban-list.js';
import type { Family } from './address-ranges.js';
import { addressElement, networkElements, parseBanTarget } from './ban-elements.js';
import { BASE, TABLE_REF } from './nft-names.js';

const FAMILIES: readonly Family[] = [4, 6];

/** Every ban set written afresh from `bans`. */
export function allBansScript(bans: readonly Ban[], nowMs: number): string[] {
  const lines: string[] = [];
  for (const family of FAMILIES) {
    lines.push(`flush set ${TABLE_REF} ${BASE.bans[family]}`, `flush set ${TABLE_REF} ${BASE.banNets[family]}`);
    const addresses = bans.map((ban) => addressElement(ban, nowMs)).filter((e) => e !== null && e.family === family);
    for (let i = 0; i < addresses.length; i += 500) {
      lines.push(`add element ${TABLE_REF} ${BASE.bans[family]} { ${addresses.slice(i, i + 500).map((e) => e!.text).join(', ')} }`);
    }
    lines.push(...netsLines(bans, family, nowMs, false));
  }
  return lines;
}

function netsLines(bans: readonly Ban[], family: Family, nowMs: number, flush: boolean): string[] {
  const elements = networkElements(bans, family, nowMs);
  return [...(flush ? [`flush set ${TABLE_REF} ${BASE.banNets[family]}`] : []), ...(elements.length === 0 ? [] : [`add element ${TABLE_REF} ${BASE.banNets[family]} { ${elements.join(', ')} }`])];
}

/**
 * The lines for one change of the ban list (`bans` is the list after it; `replaced` is the ban the
 * added one took the place of, if any). Empty when the kernel needs no change.
 */
export function banChangeScript(change: BanChange, bans: readonly Ban[], replaced: Ban | undefined, nowMs: number): string[] {
  const parsed = parseBanTarget(change.ban.target);
  if (parsed === null) return [];
  if (parsed.address === null) return netsLines(bans, parsed.family, nowMs, true);
  const set = `${TABLE_REF} ${BASE.bans[parsed.family]}`;
  if (change.kind === 'removed') return change.cause === 'unbanned' ? [`delete element ${set} { ${parsed.address} }`] : [];
  const element = addressElement(change.ban, nowMs);
  if (element === null) return [];
  return [...(replaced === undefined ? [] : [`delete element ${set} { ${parsed.address} }`]), `add element ${set} { ${element.text} }`];
}

/** `255.255.255.0` for a /24: the netmask conntrack's --mask-src takes. */
export function netmaskOf(prefix: number, family: Family): string {
  if (family === 4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join('.');
  }
  const groups: string[] = [];
  for (let g = 0; g < 8; g++) {
    const bits = Math.max(0, Math.min(16, prefix - g * 16));
    groups.push((bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff).toString(16));
  }
  return groups.join(':');
}
