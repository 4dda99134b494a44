// RouteX's nftables table for drop_fragmented_packets (why nftables: see fragment-rules.ts).
import { describeFailure, type RunCommand } from './command-runner.js';
import { fragmentBatch, fragmentTable, parseNftRules, type NftRule } from './fragment-rules.js';
import { parseComment, type FirewallNaming } from './firewall-names.js';
import { FirewallCommandError } from './iptables-family.js';

export class FragmentTable {
  constructor(
    private readonly run: RunCommand,
    private readonly naming: FirewallNaming,
  ) {}

  /** Why nft cannot be used here, or null when it can. */
  async probe(): Promise<string | null> {
    const result = await this.run('nft', ['list', 'tables']);
    if (result.missing) return 'nft is not installed (apt-get install nftables); drop_fragmented_packets needs it';
    return result.exitCode === 0 ? null : describeFailure('nft', result);
  }

  /** The table's rules; none when the table does not exist. */
  async scan(): Promise<NftRule[]> {
    const result = await this.run('nft', ['-j', 'list', 'table', 'inet', fragmentTable(this.naming)]);
    if (result.exitCode !== 0) {
      if (/No such file or directory/i.test(result.stderr)) return [];
      throw new FirewallCommandError(describeFailure('nft', result));
    }
    return parseNftRules(result.stdout);
  }

  /** Replaces one proxy's fragment rules with `next` (rule bodies) in one transaction; resolves with the rules that left. */
  async replace(proxy: string, next: string[]): Promise<NftRule[]> {
    const current = await this.scan();
    const batch = fragmentBatch(current, this.naming, proxy, next);
    if (batch === '') return [];
    await this.apply(batch);
    return current.filter((rule) => rule.comment !== null && parseComment(this.naming, rule.comment)?.proxy === proxy);
  }

  async removeAll(): Promise<void> {
    if ((await this.scan()).length === 0 && !(await this.exists())) return;
    await this.apply(`delete table inet ${fragmentTable(this.naming)}\n`);
  }

  private async exists(): Promise<boolean> {
    return (await this.run('nft', ['list', 'table', 'inet', fragmentTable(this.naming)])).exitCode === 0;
  }

  private async apply(batch: string): Promise<void> {
    const result = await this.run('nft', ['-f', '-'], batch);
    if (result.exitCode !== 0) throw new FirewallCommandError(describeFailure('nft', result));
  }
}
