// Validate, once per start: which address families RouteX can manage here, with which match
// modules, whether nft (fragments) and the ban sets work — and, if nothing works, why.
import type { IptablesConfig } from '../../shared/config/resolved-types.js';
import type { Logger } from '../logging/logger.js';
import type { BanSets } from './ban-sets.js';
import { probeFamily } from './capability-probe.js';
import type { RunCommand } from './command-runner.js';
import type { FirewallNaming } from './firewall-names.js';
import { familiesOf, type HostAbilities } from './firewall-plan.js';
import type { FragmentTable } from './fragment-table.js';
import { IptablesFamily } from './iptables-family.js';
import { MATCH_MODULES } from './rule-kinds.js';

export interface ProbedHost {
  tables: IptablesFamily[];
  host: HostAbilities;
  /** Why no proxy can get kernel rules here; null when they can. */
  problem: string | null;
}

/** `banProblem` null: the ban sets exist (so the `set` match can be probed with them). */
export async function probeHost(config: IptablesConfig, naming: FirewallNaming, run: RunCommand, bans: BanSets, banProblem: string | null, fragments: FragmentTable, logger: Logger): Promise<ProbedHost> {
  const host: HostAbilities = { families: new Map(), nftProblem: null, banSets: new Map() };
  const tables: IptablesFamily[] = [];
  for (const family of familiesOf(config)) {
    const table = new IptablesFamily(family, run);
    const setName = banProblem === null ? bans.names.get(family)! : null;
    const abilities = await probeFamily(table, naming, MATCH_MODULES, setName, banProblem ?? '');
    if (abilities.unusable !== null && family === 6 && host.families.size > 0) {
      logger.warn('ip6tables unusable, IPv6 clients get no kernel rules', { reason: abilities.unusable });
      continue;
    }
    host.families.set(family, abilities);
    if (setName !== null) host.banSets.set(family, setName);
    tables.push(table);
  }
  const problem = host.families.get(4)?.unusable ?? null;
  if (problem === null) host.nftProblem = await fragments.probe();
  return { tables, host, problem };
}
