// drop_fragmented_packets, the one rule iptables cannot make. The kernel reassembles fragments
// before the INPUT hook, and before every iptables table (raw included) as soon as conntrack is in
// use, which RouteX's own connection rules need: `iptables -f` then never matches. So fragments
// are dropped by nftables, in RouteX's own table, in a prerouting chain at priority -450 — before
// reassembly (-400). Only the first fragment carries the port, so that is the one matched; without
// it the datagram is never reassembled or delivered, and the kernel discards the rest after
// ipfrag_time. Pure: builds the `nft -f` input and reads `nft -j list` output.
import { NFT_MAX_COMMENT, ruleComment, parseComment, type FirewallNaming } from './firewall-names.js';
import { portsText } from './port-groups.js';
import { destinationsFor, type ProxyRuleInput } from './rule-builder.js';
import type { IpFamily } from './rule-kinds.js';

export const FRAGMENT_CHAIN = 'prerouting';
/** Before nf_defrag (NF_IP_PRI_CONNTRACK_DEFRAG = -400). */
export const FRAGMENT_PRIORITY = -450;

export interface NftRule {
  handle: number;
  comment: string | null;
  packets: number;
  bytes: number;
}

/** `routex_fragments` for chain prefix ROUTEX: nft names take no "-". */
export function fragmentTable(naming: FirewallNaming): string {
  return `${naming.chainPrefix.toLowerCase().replace(/-/g, '_')}_fragments`;
}

const nftPorts = (ports: readonly number[]): string => `{ ${portsText(ports).replace(/:/g, '-')} }`;

/** The rule bodies (after `add rule inet <table> prerouting`) for one proxy; empty when the field is off. */
export function buildFragmentRules(proxy: ProxyRuleInput, naming: FirewallNaming, families: IpFamily[]): string[] {
  if (!proxy.rateLimits.dropFragmentedPackets) return [];
  const comment = ruleComment(naming, proxy.name, 'Fragment', portsText(proxy.originPorts), NFT_MAX_COMMENT);
  const protocols = proxy.protocol === 'tcp-udp' ? ['tcp', 'udp'] : [proxy.protocol];
  const rules: string[] = [];
  for (const family of families) {
    const fragmented = family === 4 ? 'ip frag-off & 0x3fff != 0' : 'exthdr frag exists';
    const daddr = family === 4 ? 'ip daddr' : 'ip6 daddr';
    for (const destination of destinationsFor(proxy.originIps, family)) {
      for (const protocol of protocols) {
        const to = destination === '' ? '' : `${daddr} ${destination} `;
        rules.push(`meta nfproto ipv${family} ${to}${protocol} dport ${nftPorts(proxy.originPorts)} ${fragmented} counter drop comment "${comment}"`);
      }
    }
  }
  return rules;
}

/**
 * One `nft -f` transaction replacing a proxy's fragment rules (found by comment among `current`).
 * When no rule would be left in the table, the table goes too. Empty string: nothing to do.
 */
export function fragmentBatch(current: NftRule[], naming: FirewallNaming, proxy: string, next: string[]): string {
  const table = fragmentTable(naming);
  const mine = current.filter((rule) => rule.comment !== null && parseComment(naming, rule.comment)?.proxy === proxy);
  const othersLeft = current.length - mine.length;
  if (mine.length === 0 && next.length === 0) return '';
  if (next.length === 0 && othersLeft === 0) return `delete table inet ${table}\n`;
  const lines = [
    `add table inet ${table}`,
    `add chain inet ${table} ${FRAGMENT_CHAIN} { type filter hook prerouting priority ${FRAGMENT_PRIORITY}; policy accept; }`,
    ...mine.map((rule) => `delete rule inet ${table} ${FRAGMENT_CHAIN} handle ${rule.handle}`),
    ...next.map((body) => `add rule inet ${table} ${FRAGMENT_CHAIN} ${body}`),
  ];
  return `${lines.join('\n')}\n`;
}

interface NftJsonRule {
  rule?: { chain?: string; handle?: number; comment?: string; expr?: Record<string, unknown>[] };
}

/** The rules of RouteX's fragment chain from `nft -j list table inet <table>`. */
export function parseNftRules(json: string): NftRule[] {
  const items = (JSON.parse(json) as { nftables?: NftJsonRule[] }).nftables ?? [];
  const rules: NftRule[] = [];
  for (const item of items) {
    const rule = item.rule;
    if (rule === undefined || rule.chain !== FRAGMENT_CHAIN || rule.handle === undefined) continue;
    const counter = rule.expr?.find((expr) => 'counter' in expr)?.['counter'] as { packets?: number; bytes?: number } | undefined;
    rules.push({ handle: rule.handle, comment: rule.comment ?? null, packets: counter?.packets ?? 0, bytes: counter?.bytes ?? 0 });
  }
  return rules;
}
