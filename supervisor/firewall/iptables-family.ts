// iptables (IPv4) or ip6tables (IPv6): read the filter table with its counters, apply a batch.
import { RoutexError } from '../../shared/errors/routex-error.js';
import { describeFailure, type RunCommand } from './command-runner.js';
import type { IpFamily } from './rule-kinds.js';
import { parseSave, type SavedTable } from './save-parser.js';

export class FirewallCommandError extends RoutexError {
  constructor(message: string) {
    super('ERR_IPTABLES_COMMAND', message);
  }
}

/** Seconds iptables-restore waits for the xtables lock held by another tool (legacy backend). */
const LOCK_WAIT_SECONDS = '5';

export class IptablesFamily {
  constructor(
    readonly family: IpFamily,
    private readonly run: RunCommand,
  ) {}

  get label(): string {
    return this.family === 4 ? 'IPv4' : 'IPv6';
  }

  get saveBinary(): string {
    return this.family === 4 ? 'iptables-save' : 'ip6tables-save';
  }

  get restoreBinary(): string {
    return this.family === 4 ? 'iptables-restore' : 'ip6tables-restore';
  }

  /** The filter table as the kernel holds it, counters included. */
  async scan(): Promise<SavedTable> {
    const result = await this.run(this.saveBinary, ['-c', '-t', 'filter']);
    if (result.exitCode !== 0) throw new FirewallCommandError(describeFailure(this.saveBinary, result));
    return parseSave(result.stdout);
  }

  /** Applies a batch in one transaction, leaving every rule it does not name in place. */
  async restore(batch: string): Promise<void> {
    const result = await this.run(this.restoreBinary, ['-w', LOCK_WAIT_SECONDS, '--noflush'], batch);
    if (result.exitCode !== 0) throw new FirewallCommandError(describeFailure(this.restoreBinary, result));
  }
}
