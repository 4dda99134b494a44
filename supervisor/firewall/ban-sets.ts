// Bans in the kernel: one ipset per address family (hash:net, so single IPs and CIDRs alike),
// matched by the first rule of every proxy chain. A lookup costs the same for 10 or 100,000 bans,
// where one rule per ban would make every packet walk the whole list. Entries carry the ban's
// remaining time as an ipset timeout, so the kernel drops an expired ban by itself even when
// RouteX is not running to do it.
import { isIPv4, isIPv6 } from 'node:net';
import { describeFailure, type RunCommand } from './command-runner.js';
import { banSetName, type FirewallNaming } from './firewall-names.js';
import { FirewallCommandError } from './iptables-family.js';
import type { IpFamily } from './rule-kinds.js';

export interface KernelBan {
  /** An IP or a CIDR. */
  target: string;
  /** When the ban ends (ms since the epoch); null = until unbanned. */
  expiresAtMs: number | null;
}

/** ipset's largest timeout (seconds); a longer ban is stored without one and removed by RouteX. */
const MAX_TIMEOUT_S = 2_147_483;
const MAX_ELEMENTS = 1_048_576;

/** The set family and the entry as ipset writes it; null for what a set cannot hold (/0, garbage). */
export function banEntry(target: string): { family: IpFamily; entry: string } | null {
  const [address = '', prefix] = target.split('/', 2);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const family: IpFamily | null = isIPv4(mapped ?? address) ? 4 : isIPv6(address) ? 6 : null;
  if (family === null) return null;
  if (prefix === undefined) return { family, entry: mapped ?? address };
  // A mapped address's prefix counts the 96 bits of ::ffff: too.
  const bits = /^\d+$/.test(prefix) ? Number(prefix) - (mapped === undefined ? 0 : 96) : NaN;
  if (!(bits >= 1 && bits <= (family === 4 ? 32 : 128))) return null;
  return { family, entry: `${mapped ?? address}/${bits}` };
}

/** The `timeout` of an entry: seconds left, or 0 (no timeout) for a permanent or very long ban. */
export function banTimeout(ban: KernelBan, nowMs: number): number {
  if (ban.expiresAtMs === null) return 0;
  const seconds = Math.ceil((ban.expiresAtMs - nowMs) / 1000);
  return seconds > MAX_TIMEOUT_S ? 0 : Math.max(1, seconds);
}

const createLine = (name: string, family: IpFamily): string => `create ${name} hash:net family ${family === 4 ? 'inet' : 'inet6'} timeout 0 maxelem ${MAX_ELEMENTS}`;

/** `ipset restore` input that swaps the whole content of the sets for `bans` in one step per family. */
export function replaceAllInput(names: Map<IpFamily, string>, bans: KernelBan[], nowMs: number): string {
  const lines: string[] = [];
  for (const [family, name] of names) {
    const temp = `${name}-new`;
    lines.push(createLine(name, family), createLine(temp, family), `flush ${temp}`);
    for (const ban of bans) {
      const parsed = banEntry(ban.target);
      if (parsed?.family === family) lines.push(`add ${temp} ${parsed.entry} timeout ${banTimeout(ban, nowMs)}`);
    }
    lines.push(`swap ${temp} ${name}`, `destroy ${temp}`);
  }
  return `${lines.join('\n')}\n`;
}

export class BanSets {
  readonly names: Map<IpFamily, string>;

  constructor(
    private readonly run: RunCommand,
    naming: FirewallNaming,
    families: IpFamily[],
    private readonly now: () => number = Date.now,
  ) {
    this.names = new Map(families.map((family) => [family, banSetName(naming, family)]));
  }

  /** Why ipset cannot be used here, or null when it can. */
  async probe(): Promise<string | null> {
    const result = await this.run('ipset', ['list', '-n']);
    if (result.missing) return 'ipset is not installed (apt-get install ipset); kernel bans need it';
    return result.exitCode === 0 ? null : describeFailure('ipset', result);
  }

  /** Makes the sets hold exactly `bans` (creating them if needed). */
  async replaceAll(bans: KernelBan[]): Promise<void> {
    await this.restore(replaceAllInput(this.names, bans, this.now()));
  }

  async add(ban: KernelBan): Promise<void> {
    const parsed = banEntry(ban.target);
    const name = parsed === null ? undefined : this.names.get(parsed.family);
    if (name === undefined) return;
    await this.restore(`add ${name} ${parsed!.entry} timeout ${banTimeout(ban, this.now())}\n`);
  }

  async remove(target: string): Promise<void> {
    const parsed = banEntry(target);
    const name = parsed === null ? undefined : this.names.get(parsed.family);
    if (name !== undefined) await this.restore(`del ${name} ${parsed!.entry}\n`);
  }

  /** Entries per family, as the kernel holds them. */
  async sizes(): Promise<Map<IpFamily, number>> {
    const sizes = new Map<IpFamily, number>();
    for (const [family, name] of this.names) {
      const result = await this.run('ipset', ['list', '-t', name]);
      const match = /Number of entries:\s*(\d+)/.exec(result.stdout);
      sizes.set(family, match === null ? 0 : Number(match[1]));
    }
    return sizes;
  }

  /** Removes the sets; call after the rules that match them are gone. */
  async destroy(): Promise<void> {
    for (const name of this.names.values()) await this.run('ipset', ['destroy', name]);
  }

  private async restore(input: string): Promise<void> {
    const result = await this.run('ipset', ['-exist', 'restore'], input);
    if (result.exitCode !== 0) throw new FirewallCommandError(describeFailure('ipset', result));
  }
}
