// Puts one proxy's plan into the kernel, or takes its rules out: per family, scan → one atomic
// iptables-restore batch that removes the old rules (found by comment) and adds the new ones;
// then its nftables fragment rules. Counts of rules on their way out go to the drop ledger.
import type { DropLedger } from './drop-ledger.js';
import type { FirewallPlan } from './firewall-plan.js';
import { proxyChain, type FirewallNaming } from './firewall-names.js';
import type { FragmentTable } from './fragment-table.js';
import type { IptablesFamily } from './iptables-family.js';
import { footprintOf, isEmptyBatch, removeAllBatch, replaceBatch } from './restore-batch.js';

export class RuleWriter {
  constructor(
    private readonly tables: IptablesFamily[],
    private readonly fragments: FragmentTable | null,
    private readonly naming: FirewallNaming,
    private readonly ledger: DropLedger,
  ) {}

  /**
   * Replaces `proxy`'s rules by `plan`'s (null: removes them). `counted`: the rules in the kernel
   * are this run's, so their counts go to the ledger. Resolves with how many rules left.
   */
  async replace(proxy: string, plan: FirewallPlan | null, counted: boolean, autoCreate: boolean): Promise<number> {
    let removed = 0;
    for (const table of this.tables) {
      const saved = await table.scan();
      const batch = replaceBatch(saved, this.naming, proxy, plan?.sets.get(table.family) ?? null, proxyChain(this.naming, proxy), autoCreate);
      if (isEmptyBatch(batch)) continue;
      const leaving = footprintOf(saved, this.naming, proxy).rules;
      await table.restore(batch);
      removed += leaving.length;
      if (counted) this.ledger.retire(this.naming, proxy, leaving);
    }
    if (this.fragments !== null) {
      const leaving = await this.fragments.replace(proxy, plan?.fragments ?? []);
      removed += leaving.length;
      if (counted) this.ledger.retire(this.naming, proxy, leaving);
    }
    return removed;
  }

  /** Removes every RouteX rule, chain and fragment table. */
  async removeAll(): Promise<void> {
    for (const table of this.tables) {
      const batch = removeAllBatch(await table.scan(), this.naming);
      if (!isEmptyBatch(batch)) await table.restore(batch);
    }
    await this.fragments?.removeAll();
  }
}
