// The conntrack binary: RouteX's forwarded flows listed (for active connections, the connection
// list and drains) and deleted (a removed upstream's UDP sessions, a ban, an ACL deny, a kill).
import { describeFailure, type RunCommand } from '../firewall/command-runner.js';
import { RoutexError } from '../../shared/errors/routex-error.js';
import type { Family } from './address-ranges.js';
import { parseConntrackList, type ConntrackEntry } from './conntrack-entries.js';
import { MARK_MASK, proxyMark } from './nft-names.js';

const FAMILY: Readonly<Record<Family, string>> = { 4: 'ipv4', 6: 'ipv6' };

/** What to delete: the flows of one proxy, narrowed down by any of the rest. */
export interface FlowFilter {
  proxyId: number;
  family: Family;
  protocol?: 'tcp' | 'udp';
  /** Client address, or network with `clientMask` (a netmask in address form). */
  client?: string;
  clientMask?: string;
  clientPort?: number;
  origin?: string;
  originPort?: number;
  upstream?: string;
  upstreamPort?: number;
}

/** Why the conntrack tool cannot be used here, or null. */
export async function probeConntrack(run: RunCommand): Promise<string | null> {
  const result = await run('conntrack', ['-C']);
  if (result.missing) return 'conntrack is not installed (apt-get install conntrack)';
  return result.exitCode === 0 ? null : describeFailure('conntrack', result);
}

export function filterArgs(filter: FlowFilter): string[] {
  const args = ['-f', FAMILY[filter.family], '--mark', `${proxyMark(filter.proxyId)}/${MARK_MASK}`];
  const add = (flag: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(flag, String(value));
  };
  add('-p', filter.protocol);
  add('-s', filter.client);
  add('--mask-src', filter.clientMask);
  add('-d', filter.origin);
  // Ports need the protocol first (conntrack reads them as options of -p).
  if (filter.protocol !== undefined) {
    add('--sport', filter.clientPort);
    add('--dport', filter.originPort);
    add('--reply-port-src', filter.upstreamPort);
  }
  add('-r', filter.upstream);
  return args;
}

export class ConntrackClient {
  constructor(private readonly run: RunCommand) {}

  /** Every RouteX flow of `family` the kernel tracks now, or only proxy `proxyId`'s (filtered in the kernel). */
  async list(family: Family, proxyId?: number): Promise<ConntrackEntry[]> {
    const mark = proxyId === undefined ? [] : ['--mark', `${proxyMark(proxyId)}/${MARK_MASK}`];
    const result = await this.run('conntrack', ['-L', '-f', FAMILY[family], '-o', 'extended,id', ...mark]);
    if (result.exitCode !== 0) throw new RoutexError('ERR_KERNEL_PATH_COMMAND', describeFailure('conntrack', result));
    return parseConntrackList(result.stdout);
  }

  /** Deletes the matching flows; resolves with how many went. */
  async delete(filter: FlowFilter): Promise<number> {
    const result = await this.run('conntrack', ['-D', ...filterArgs(filter)]);
    const deleted = /(\d+) flow entr(?:y|ies) ha(?:s|ve) been deleted/.exec(`${result.stderr}\n${result.stdout}`);
    // conntrack exits 1 when nothing matched; that is not a failure here.
    if (deleted !== null) return Number(deleted[1]);
    if (result.exitCode !== 0) throw new RoutexError('ERR_KERNEL_PATH_COMMAND', describeFailure('conntrack', result));
    return 0;
  }
}
