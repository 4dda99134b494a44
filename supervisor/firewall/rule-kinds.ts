// The kinds of kernel rule RouteX makes. A kind's name is the <Rule> part of a rule's comment
// (`<comment_prefix>-<proxy>-<Rule>-<ports>`) and the `kind` label of the drop metrics, so kind
// names never contain "-": a comment is then parsed from its right end without ambiguity, whatever
// "-" the proxy name holds.

export type IpFamily = 4 | 6;

/** The iptables match extensions RouteX's rules use; each is probed before it is relied on. */
export const MATCH_MODULES = ['comment', 'multiport', 'conntrack', 'hashlimit', 'connlimit', 'ttl', 'hl', 'length', 'u32', 'set'] as const;
export type MatchModule = (typeof MATCH_MODULES)[number];

export const RULE_KINDS = [
  'Ban',
  'Invalid',
  'TtlMin',
  'TtlMax',
  'SizeMin',
  'SizeMax',
  'UdpPayloadMin',
  'UdpPayloadMax',
  'SynRate',
  'NewConnPerIp',
  'RstRate',
  'TcpPps',
  'UdpPps',
  'NewConnGlobal',
  'ConnPerIp',
  'ConnTotal',
  'Fragment',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The jump from `<chain_prefix>-INPUT` into a proxy's chain: owned by the proxy, drops nothing. */
export const JUMP_KIND = 'Jump';

const KNOWN = new Set<string>([...RULE_KINDS, JUMP_KIND]);

export function isRuleKind(text: string): text is RuleKind | typeof JUMP_KIND {
  return KNOWN.has(text);
}

/** `SynRate` → `syn_rate`: the metric label of a kind. */
export function kindLabel(kind: RuleKind): string {
  return kind.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase();
}
