// RouteX's rules as the kernel holds them, grouped by proxy, with the kernel's own packet and
// byte counters: what GET /api/iptables/rules shows and where the drop metrics come from.
import type { NftRule } from './fragment-rules.js';
import { parseComment, type FirewallNaming } from './firewall-names.js';
import type { IpFamily, RuleKind } from './rule-kinds.js';
import type { SavedTable } from './save-parser.js';

export interface KernelRule {
  /** `ipv4` / `ipv6` for iptables / ip6tables rules, `nftables` for fragment rules. */
  backend: 'ipv4' | 'ipv6' | 'nftables';
  chain: string;
  kind: RuleKind | 'Jump';
  comment: string;
  /** `-A <chain> <spec>` as iptables-save prints it, or the nft handle. */
  rule: string;
  packets: number;
  bytes: number;
}

export interface DropCount {
  proxy: string;
  kind: RuleKind;
  packets: number;
  bytes: number;
}

export function kernelRules(naming: FirewallNaming, tables: Map<IpFamily, SavedTable>, fragments: NftRule[]): Map<string, KernelRule[]> {
  const byProxy = new Map<string, KernelRule[]>();
  const add = (proxy: string, rule: KernelRule): void => {
    const list = byProxy.get(proxy) ?? [];
    list.push(rule);
    byProxy.set(proxy, list);
  };
  for (const [family, table] of tables) {
    for (const saved of table.rules) {
      const owner = saved.comment === null ? null : parseComment(naming, saved.comment);
      if (owner === null) continue;
      add(owner.proxy, { backend: family === 4 ? 'ipv4' : 'ipv6', chain: saved.chain, kind: owner.kind, comment: saved.comment!, rule: `-A ${saved.chain} ${saved.spec}`, packets: saved.packets, bytes: saved.bytes });
    }
  }
  for (const nft of fragments) {
    const owner = nft.comment === null ? null : parseComment(naming, nft.comment);
    if (owner === null) continue;
    add(owner.proxy, { backend: 'nftables', chain: 'prerouting', kind: owner.kind, comment: nft.comment!, rule: `handle ${nft.handle}`, packets: nft.packets, bytes: nft.bytes });
  }
  return byProxy;
}

/** Dropped packets and bytes per proxy and rule kind (jumps drop nothing and are left out). */
export function dropCounts(rules: Map<string, KernelRule[]>): DropCount[] {
  const totals = new Map<string, DropCount>();
  for (const [proxy, list] of rules) {
    for (const rule of list) {
      if (rule.kind === 'Jump') continue;
      const key = `${proxy}\u0000${rule.kind}`;
      const total = totals.get(key) ?? { proxy, kind: rule.kind, packets: 0, bytes: 0 };
      total.packets += rule.packets;
      total.bytes += rule.bytes;
      totals.set(key, total);
    }
  }
  return [...totals.values()];
}
