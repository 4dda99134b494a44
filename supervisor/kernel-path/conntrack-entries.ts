// Reading `conntrack -L -o extended,id` lines: the flows the kernel forwards for RouteX, each with
// its client, upstream, bytes (when conntrack accounting is on) and proxy mark. Pure.
import { proxyIdOfMark } from './nft-names.js';

export interface ConntrackEntry {
  id: number;
  protocol: 'tcp' | 'udp';
  /** TCP state (`ESTABLISHED`, `TIME_WAIT`, ...); '' for UDP. */
  state: string;
  clientIp: string;
  clientPort: number;
  /** Where the client sent it: the proxy's origin address and port. */
  originIp: string;
  originPort: number;
  /** Where the kernel forwards it: the reply tuple's source. */
  upstreamIp: string;
  upstreamPort: number;
  /** Bytes client → upstream and back (0 without conntrack accounting). */
  bytesIn: number;
  bytesOut: number;
  /** The RouteX proxy number from the mark; 0 when the flow is not RouteX's. */
  proxyId: number;
  /** Seconds until the kernel forgets the flow. */
  timeoutS: number;
  /** Seconds since the flow started (with conntrack timestamps on), else null. */
  ageS: number | null;
}

/** TCP states of a connection that is over (the entry lingers only to catch stray packets). */
const CLOSED_STATES = new Set(['TIME_WAIT', 'CLOSE']);

/** Whether the flow counts as an open connection or a live UDP session. */
export function isLive(entry: ConntrackEntry): boolean {
  return entry.protocol === 'udp' || !CLOSED_STATES.has(entry.state);
}

export function parseConntrackLine(line: string): ConntrackEntry | null {
  const tokens = line.trim().split(/\s+/);
  const at = tokens.findIndex((t, i) => i < 4 && (t === 'tcp' || t === 'udp'));
  if (at === -1) return null;
  const fields: Record<string, string[]> = {};
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    (fields[token.slice(0, eq)] ??= []).push(token.slice(eq + 1));
  }
  const { src = [], dst = [], sport = [], dport = [], bytes = [], mark = ['0'], id = ['0'], 'delta-time': age } = fields;
  if (src.length < 2 || sport.length < 2 || dst.length < 1 || dport.length < 1) return null;
  const protocol = tokens[at] as 'tcp' | 'udp';
  const state = protocol === 'tcp' && /^[A-Z_]+$/.test(tokens[at + 3] ?? '') ? tokens[at + 3]! : '';
  return {
    id: Number(id[0]),
    protocol,
    state,
    clientIp: src[0]!,
    clientPort: Number(sport[0]),
    originIp: dst[0]!,
    originPort: Number(dport[0]),
    upstreamIp: src[1]!,
    upstreamPort: Number(sport[1]),
    bytesIn: Number(bytes[0] ?? 0),
    bytesOut: Number(bytes[1] ?? 0),
    proxyId: proxyIdOfMark(Number(mark[0])),
    timeoutS: Number(tokens[at + 2] ?? 0),
    ageS: age === undefined ? null : Number(age[0]),
  };
}

/** The RouteX flows of a listing (entries of other traffic are skipped). */
export function parseConntrackList(output: string): ConntrackEntry[] {
  const entries: ConntrackEntry[] = [];
  for (const line of output.split('\n')) {
    const entry = parseConntrackLine(line);
    if (entry !== null && entry.proxyId !== 0) entries.push(entry);
  }
  return entries;
}
