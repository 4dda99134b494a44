// What one proxy needs from the kernel, and whether this host can give it: the rule sets per
// family, the fragment rules, and the first missing piece if any. Pure.
import type { IptablesConfig } from '../../shared/config/resolved-types.js';
import type { FamilyCapabilities } from './capability-probe.js';
import { buildFragmentRules } from './fragment-rules.js';
import type { FirewallNaming } from './firewall-names.js';
import { buildProxyRules, type ProxyRuleInput, type ProxyRuleSet } from './rule-builder.js';
import type { IpFamily } from './rule-kinds.js';

export interface FirewallPlan {
  proxy: string;
  sets: Map<IpFamily, ProxyRuleSet | null>;
  /** nftables rule bodies for drop_fragmented_packets. */
  fragments: string[];
  /** Chain rules + jumps + fragment rules. */
  ruleCount: number;
  /** Equal fingerprints: nothing to change in the kernel. */
  fingerprint: string;
}

export interface HostAbilities {
  families: Map<IpFamily, FamilyCapabilities>;
  /** Why nft cannot be used (fragments), or null. */
  nftProblem: string | null;
  /** The ban ipset per family, when kernel bans are on. */
  banSets: Map<IpFamily, string>;
}

export function namingOf(config: IptablesConfig): FirewallNaming {
  return { chainPrefix: config.chainPrefix, commentPrefix: config.commentPrefix };
}

export function familiesOf(config: IptablesConfig): IpFamily[] {
  return config.ipv6Enabled ? [4, 6] : [4];
}

export function planFor(proxy: ProxyRuleInput, config: IptablesConfig, host: HostAbilities): FirewallPlan {
  const naming = namingOf(config);
  const sets = new Map<IpFamily, ProxyRuleSet | null>();
  const families = [...host.families.keys()];
  for (const family of families) {
    const banSet = host.banSets.get(family);
    sets.set(family, buildProxyRules(proxy, { naming, family, ...(banSet === undefined ? {} : { banSet }) }));
  }
  const fragments = buildFragmentRules(proxy, naming, families);
  const ruleCount = [...sets.values()].reduce((sum, set) => sum + (set === null ? 0 : set.rules.length + set.jumps.length), 0) + fragments.length;
  const fingerprint = JSON.stringify({ sets: [...sets], fragments });
  return { proxy: proxy.name, sets, fragments, ruleCount, fingerprint };
}

/** The first reason the plan cannot be installed here, or null when it can. */
export function planProblem(plan: FirewallPlan, host: HostAbilities): string | null {
  for (const [family, set] of plan.sets) {
    const abilities = host.families.get(family)!;
    if (set === null) continue;
    if (abilities.unusable !== null) return abilities.unusable;
    for (const module of set.modules) {
      const missing = abilities.missingModules.get(module);
      if (missing !== undefined) return `the ${module} match does not work here (IPv${family}): ${missing}`;
    }
  }
  if (plan.fragments.length > 0 && host.nftProblem !== null) return host.nftProblem;
  return null;
}
