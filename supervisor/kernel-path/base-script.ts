// The shared part of RouteX's table: the hooks and the maps that send each packet to the proxy it
// belongs to. Every hook chain only dispatches through a map (by destination for a new flow, by
// the conntrack mark after that), so adding, changing or removing a proxy is map elements plus
// the proxy's own chains, never a change to these rules. Pure: builds `nft -f` text.
//
// Per packet of an established flow this costs one `ct state` test in prerouting and one mark
// lookup in the hook that counts bytes; the rest runs once per flow:
//   prerouting/output filter (-150)  new flow → classify: origin maps → goto p<N>_admit (marks the
//                                     flow, ACLs, bans, suspension)
//   prerouting/output nat (-100)     mark → jump p<N>_nat (DNAT through the slot map)
//   postrouting nat (100)            mark → jump p<N>_post (counts, masquerade towards the upstream)
//   forward/input/output filter (0)  mark → jump p<N>_count (bytes per direction)
import { BASE, hex32, MARK_MASK, TABLE_COMMENT, TABLE_REF } from './nft-names.js';

interface HookChain {
  name: string;
  type: 'filter' | 'nat';
  hook: 'prerouting' | 'output' | 'postrouting' | 'forward' | 'input';
  priority: number;
  rules: string[];
}

const MARK = `ct mark and ${hex32(MARK_MASK)}`;

const HOOK_CHAINS: readonly HookChain[] = [
  {
    name: BASE.preroutingFilter,
    type: 'filter',
    hook: 'prerouting',
    priority: -150,
    // 127.0.0.0/8 from outside is a martian the kernel drops, unless route_localnet is on, which
    // local clients of a 127.x origin need: this keeps such packets out whatever that setting says.
    rules: ['ct state new iifname != "lo" ip daddr 127.0.0.0/8 drop', `ct state new jump ${BASE.classify}`],
  },
  { name: BASE.outputFilter, type: 'filter', hook: 'output', priority: -150, rules: [`ct state new jump ${BASE.classify}`] },
  { name: BASE.preroutingNat, type: 'nat', hook: 'prerouting', priority: -100, rules: [`${MARK} vmap @${BASE.natChains}`] },
  { name: BASE.outputNat, type: 'nat', hook: 'output', priority: -100, rules: [`${MARK} vmap @${BASE.natChains}`] },
  { name: BASE.postroutingNat, type: 'nat', hook: 'postrouting', priority: 100, rules: [`${MARK} vmap @${BASE.postChains}`] },
  { name: BASE.forwardCount, type: 'filter', hook: 'forward', priority: 0, rules: [`${MARK} vmap @${BASE.countChains}`] },
  { name: BASE.inputCount, type: 'filter', hook: 'input', priority: 0, rules: [`${MARK} vmap @${BASE.countChains}`] },
  { name: BASE.outputCount, type: 'filter', hook: 'output', priority: 0, rules: [`${MARK} vmap @${BASE.countChains}`] },
];

const CLASSIFY_RULES = [
  `ip daddr . meta l4proto . th dport vmap @${BASE.origins[4]}`,
  `ip6 daddr . meta l4proto . th dport vmap @${BASE.origins[6]}`,
  `meta nfproto ipv4 fib daddr type local meta l4proto . th dport vmap @${BASE.wildcards[4]}`,
  `meta nfproto ipv6 fib daddr type local meta l4proto . th dport vmap @${BASE.wildcards[6]}`,
];

/** The shared sets and maps, as `add` commands (a no-op for one that exists). */
export const SHARED_SETS: readonly string[] = [
  `map ${TABLE_REF} ${BASE.origins[4]} { typeof ip daddr . meta l4proto . th dport : verdict; }`,
  `map ${TABLE_REF} ${BASE.origins[6]} { typeof ip6 daddr . meta l4proto . th dport : verdict; }`,
  `map ${TABLE_REF} ${BASE.wildcards[4]} { typeof meta l4proto . th dport : verdict; }`,
  `map ${TABLE_REF} ${BASE.wildcards[6]} { typeof meta l4proto . th dport : verdict; }`,
  `map ${TABLE_REF} ${BASE.natChains} { type mark : verdict; }`,
  `map ${TABLE_REF} ${BASE.postChains} { type mark : verdict; }`,
  `map ${TABLE_REF} ${BASE.countChains} { type mark : verdict; }`,
  `set ${TABLE_REF} ${BASE.suspended} { type mark; }`,
  `set ${TABLE_REF} ${BASE.bans[4]} { type ipv4_addr; flags timeout; counter; }`,
  `set ${TABLE_REF} ${BASE.bans[6]} { type ipv6_addr; flags timeout; counter; }`,
  `set ${TABLE_REF} ${BASE.banNets[4]} { type ipv4_addr; flags interval, timeout; counter; }`,
  `set ${TABLE_REF} ${BASE.banNets[6]} { type ipv6_addr; flags interval, timeout; counter; }`,
];

/** The maps whose elements point at proxies; emptied and refilled when the whole table is synced. */
export const DISPATCH_MAPS: readonly string[] = [
  BASE.origins[4],
  BASE.origins[6],
  BASE.wildcards[4],
  BASE.wildcards[6],
  BASE.natChains,
  BASE.postChains,
  BASE.countChains,
];
export const ADMISSION_SETS: readonly string[] = [BASE.suspended];

function chainSpec(chain: HookChain): string {
  return `{ type ${chain.type} hook ${chain.hook} priority ${chain.priority}; policy accept; }`;
}

/**
 * The table with its hook chains and shared sets, their rules written afresh (`flush` + `add`, so
 * a table an earlier run left behind ends up with exactly one copy of each rule).
 */
export function baseScript(): string[] {
  const lines = [`add table ${TABLE_REF} { comment "${TABLE_COMMENT}"; }`, `add chain ${TABLE_REF} ${BASE.classify}`];
  for (const chain of HOOK_CHAINS) lines.push(`add chain ${TABLE_REF} ${chain.name} ${chainSpec(chain)}`);
  for (const set of SHARED_SETS) lines.push(`add ${set}`);
  lines.push(`flush chain ${TABLE_REF} ${BASE.classify}`);
  for (const rule of CLASSIFY_RULES) lines.push(`add rule ${TABLE_REF} ${BASE.classify} ${rule}`);
  for (const chain of HOOK_CHAINS) {
    lines.push(`flush chain ${TABLE_REF} ${chain.name}`);
    for (const rule of chain.rules) lines.push(`add rule ${TABLE_REF} ${chain.name} ${rule}`);
  }
  return lines;
}

/** The hook chains, for checks and tests. */
export const HOOK_CHAIN_NAMES: readonly string[] = HOOK_CHAINS.map((c) => c.name);
