// The pure core of the firewall: a proxy's config in, the iptables rules it needs out. No I/O,
// so every field's rule is unit-tested directly (and fed to `iptables-restore --test` in netns).
//
// Shape: `<chain_prefix>-INPUT` holds one jump per protocol × origin address × port group into
// the proxy's own chain; the chain holds only DROP rules, so a packet that passes them returns to
// INPUT and meets whatever firewall the host already has. RouteX never ACCEPTs anything.
import { isIPv4, isIPv6 } from 'node:net';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { hashlimitName, inputChain, proxyChain, ruleComment, type FirewallNaming } from './firewall-names.js';
import { banRule, kindRules, type KindRule } from './kind-rules.js';
import { portGroups, portsText } from './port-groups.js';
import { JUMP_KIND, type IpFamily, type MatchModule, type RuleKind } from './rule-kinds.js';

export type ProxyRuleInput = Pick<ProxyConfig, 'name' | 'protocol' | 'originIps' | 'originPorts' | 'rateLimits'>;

export interface BuildOptions {
  naming: FirewallNaming;
  family: IpFamily;
  /** The ipset of banned addresses of this family; absent = no ban rule. */
  banSet?: string;
}

export interface ChainRule {
  chain: string;
  kind: RuleKind | typeof JUMP_KIND;
  /** Match arguments, without comment and target. */
  args: string[];
  comment: string;
  target: string;
  modules: MatchModule[];
}

export interface ProxyRuleSet {
  proxy: string;
  family: IpFamily;
  chain: string;
  /** Rules in `<chain_prefix>-INPUT` that send the proxy's packets to `chain`. */
  jumps: ChainRule[];
  /** The DROP rules of `chain`, in order. */
  rules: ChainRule[];
  /** Every match module the set needs. */
  modules: MatchModule[];
}

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * The `-d` value of each jump for one family; "" means any address. `0.0.0.0` is every IPv4
 * address, `::` every address of both families (a dual-stack listener).
 */
export function destinationsFor(originIps: readonly string[], family: IpFamily): string[] {
  const found = new Set<string>();
  for (const ip of originIps) {
    const mapped = IPV4_MAPPED.exec(ip)?.[1];
    if (ip === '::' || (ip === '0.0.0.0' && family === 4)) found.add('');
    else if (family === 4 && (isIPv4(ip) || mapped !== undefined)) found.add(mapped ?? ip);
    else if (family === 6 && isIPv6(ip) && mapped === undefined) found.add(ip);
  }
  return found.has('') ? [''] : [...found];
}

/** The rules for one proxy and one address family; null when it needs none there. */
export function buildProxyRules(proxy: ProxyRuleInput, options: BuildOptions): ProxyRuleSet | null {
  const destinations = destinationsFor(proxy.originIps, options.family);
  if (destinations.length === 0) return null;
  const { naming, family } = options;
  const chain = proxyChain(naming, proxy.name);
  const tcp = proxy.protocol !== 'udp';
  const udp = proxy.protocol !== 'tcp';
  const drops: KindRule[] = kindRules(proxy.rateLimits, {
    family,
    tcp,
    udp,
    hashlimitName: (kind, settings) => hashlimitName(naming, proxy.name, kind, settings),
  });
  if (options.banSet !== undefined) drops.unshift(banRule(options.banSet));
  if (drops.length === 0) return null;

  const scope = portsText(proxy.originPorts);
  const rules = drops.map((drop) => ({ chain, kind: drop.kind, args: drop.args, comment: ruleComment(naming, proxy.name, drop.kind, scope), target: 'DROP', modules: drop.modules }));
  const jumps: ChainRule[] = [];
  const groups = portGroups(proxy.originPorts);
  for (const protocol of [...(tcp ? ['tcp'] : []), ...(udp ? ['udp'] : [])]) {
    for (const destination of destinations) {
      for (const group of groups) {
        const args = ['-p', protocol, ...(destination === '' ? [] : ['-d', destination]), ...group.match];
        const modules: MatchModule[] = group.match.includes('multiport') ? ['multiport'] : [];
        jumps.push({ chain: inputChain(naming), kind: JUMP_KIND, args, comment: ruleComment(naming, proxy.name, JUMP_KIND, group.text), target: chain, modules });
      }
    }
  }
  const modules = new Set<MatchModule>(['comment']);
  for (const item of [...jumps, ...rules]) for (const module of item.modules) modules.add(module);
  return { proxy: proxy.name, family, chain, jumps, rules, modules: [...modules] };
}

/** An argument as iptables-restore reads it: quoted only when it has to be. */
export function restoreArg(arg: string): string {
  return /^[^\s"'\\]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`;
}

/** The rule's spec after `-A <chain>`: matches, comment, target. */
export function ruleSpec(rule: ChainRule): string {
  return [...rule.args, '-m', 'comment', '--comment', rule.comment, '-j', rule.target].map(restoreArg).join(' ');
}

/** How `iptables -S` would list it (and how iptables-restore appends it). */
export function ruleLine(rule: ChainRule): string {
  return `-A ${rule.chain} ${ruleSpec(rule)}`;
}
