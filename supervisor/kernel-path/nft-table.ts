// The nft binary, for RouteX's own table only: batches applied as one transaction (`nft -f -`),
// the table listed, counters and set elements read. Every other table is left alone; nothing here
// lists or flushes the whole ruleset.
import { describeFailure, type RunCommand } from '../firewall/command-runner.js';
import { RoutexError } from '../../shared/errors/routex-error.js';
import { parseCounters, parseElements, type Count, type ElementCount } from './nft-json.js';
import { NFT_TABLE, TABLE_REF } from './nft-names.js';

const PERMISSION = /operation not permitted|permission denied/i;

/** Why the kernel path cannot run here (no binary, no permission), or null. */
export async function probeNft(run: RunCommand): Promise<string | null> {
  const result = await run('nft', ['list', 'tables']);
  if (result.missing) return 'nft is not installed (apt-get install nftables)';
  if (result.exitCode === 0) return null;
  const failure = describeFailure('nft', result);
  return PERMISSION.test(result.stderr) ? `${failure} — data_path: kernel needs root or CAP_NET_ADMIN` : failure;
}

export class NftTable {
  constructor(private readonly run: RunCommand) {}

  /** Applies `lines` as one transaction: all of it or none. */
  async apply(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const result = await this.run('nft', ['-f', '-'], `${lines.join('\n')}\n`);
    if (result.exitCode !== 0) throw new RoutexError('ERR_KERNEL_PATH_COMMAND', describeFailure('nft', result));
  }

  /** `nft -a list table` text (with handles and comments), or null when the table does not exist. */
  async listing(): Promise<string | null> {
    const result = await this.run('nft', ['-a', 'list', 'table', ...TABLE_REF.split(' ')]);
    if (result.exitCode === 0) return result.stdout;
    if (/no such file or directory/i.test(result.stderr)) return null;
    throw new RoutexError('ERR_KERNEL_PATH_COMMAND', describeFailure('nft', result));
  }

  async counters(): Promise<Map<string, Count>> {
    return parseCounters(await this.json(['list', 'counters', 'table', ...TABLE_REF.split(' ')]));
  }

  /** The elements of one set or map of the table, with their counters. */
  async elements(kind: 'set' | 'map', name: string): Promise<ElementCount[]> {
    return parseElements(await this.json(['list', kind, ...TABLE_REF.split(' '), name]));
  }

  async deleteTable(): Promise<void> {
    await this.apply([`delete table ${TABLE_REF}`]);
  }

  private async json(args: string[]): Promise<string> {
    const result = await this.run('nft', ['-j', ...args]);
    if (result.exitCode !== 0) throw new RoutexError('ERR_KERNEL_PATH_COMMAND', describeFailure('nft', result));
    return result.stdout;
  }
}

export interface ListedProxy {
  id: number;
  /** From the admit chain's comment; null when it has none RouteX wrote. */
  owner: { proxy: string; layout: string } | null;
}

/** The table's comment (its layout version) and the proxies whose admit chains it holds. */
export function readListing(text: string): { comment: string | null; proxies: ListedProxy[] } {
  const comment = /^table [^{]+\{[^\n]*\n\s*comment "([^"]*)"/m.exec(text)?.[1] ?? null;
  const proxies: ListedProxy[] = [];
  const chain = /^\s*chain p(\d+)_admit \{[^\n]*\n(?:\s*comment "([^"]*)")?/gm;
  for (const match of text.matchAll(chain)) {
    const owner = match[2] === undefined ? null : /^proxy=(\S+) layout=(\S+)$/.exec(match[2]);
    proxies.push({ id: Number(match[1]), owner: owner === null ? null : { proxy: owner[1]!, layout: owner[2]! } });
  }
  return { comment, proxies };
}

export const TABLE_NAME = NFT_TABLE;
