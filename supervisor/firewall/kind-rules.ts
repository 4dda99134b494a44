// What each `rate_limits` field becomes: the match arguments of one DROP rule in the proxy's chain.
// The chain is entered only by packets of the proxy's protocols, addresses and ports (its jumps
// match those), so the rules here match only what the field is about. Connection limits carry
// `--syn` or `--ctstate NEW`: they refuse new connections and never cut established ones.
import type { RateLimitsConfig } from '../../shared/config/resolved-types.js';
import type { IpFamily, MatchModule, RuleKind } from './rule-kinds.js';

export interface KindRule {
  kind: RuleKind;
  /** Match arguments, without the comment and the `-j DROP`. */
  args: string[];
  modules: MatchModule[];
}

/** Names a hashlimit table from the rule's kind and settings (see `hashlimitName`). */
export type HashlimitNamer = (kind: RuleKind, settings: string) => string;

export interface KindContext {
  family: IpFamily;
  tcp: boolean;
  udp: boolean;
  hashlimitName: HashlimitNamer;
}

const MAX_LENGTH = 65_535;
/** UDP header, and the fixed IPv6 header before it: the v6 payload filter assumes no extension headers. */
const UDP_HEADER = 8;
const IPV6_HEADER = 40;

/** Packets over `perSecond` (after a burst of one second's worth) match; `perSource` buckets by source IP. */
function overRate(ctx: KindContext, kind: RuleKind, perSecond: number, perSource: boolean): string[] {
  const mode = perSource ? ['--hashlimit-mode', 'srcip'] : [];
  const name = ctx.hashlimitName(kind, `${perSecond}/${perSecond}/${perSource ? 'srcip' : 'all'}`);
  return ['-m', 'hashlimit', '--hashlimit-above', `${perSecond}/sec`, '--hashlimit-burst', String(perSecond), ...mode, '--hashlimit-name', name];
}

function rule(kind: RuleKind, modules: MatchModule[], ...args: string[]): KindRule {
  return { kind, args, modules };
}

function stateless(limits: RateLimitsConfig, ctx: KindContext): KindRule[] {
  const rules: KindRule[] = [];
  const v4 = ctx.family === 4;
  const ttl = v4 ? ['ttl', '--ttl'] : ['hl', '--hl'];
  const ttlModule = ttl[0] as MatchModule;
  if (ctx.tcp && limits.tcpInvalidStateDrop) rules.push(rule('Invalid', ['conntrack'], '-p', 'tcp', '-m', 'conntrack', '--ctstate', 'INVALID'));
  if (limits.minTtl > 0) rules.push(rule('TtlMin', [ttlModule], '-m', ttl[0]!, `${ttl[1]}-lt`, String(limits.minTtl)));
  if (limits.maxTtl > 0 && limits.maxTtl < 255) rules.push(rule('TtlMax', [ttlModule], '-m', ttl[0]!, `${ttl[1]}-gt`, String(limits.maxTtl)));
  if (limits.minPacketSize > 0) rules.push(rule('SizeMin', ['length'], '-m', 'length', '--length', `0:${limits.minPacketSize - 1}`));
  if (limits.maxPacketSize > 0 && limits.maxPacketSize < MAX_LENGTH) rules.push(rule('SizeMax', ['length'], '-m', 'length', '--length', `${limits.maxPacketSize + 1}:${MAX_LENGTH}`));
  if (ctx.udp) rules.push(...udpPayload(limits, v4));
  return rules;
}

/**
 * IPv4 reads the UDP length field itself (u32: header length from IHL, then 4 bytes in), so IP
 * options cannot shift it; IPv6 derives the payload from the packet length.
 */
function udpPayload(limits: RateLimitsConfig, v4: boolean): KindRule[] {
  const rules: KindRule[] = [];
  const bounds = (lowLength: number, highLength: number): string[] =>
    v4
      ? ['-p', 'udp', '-m', 'u32', '--u32', `0>>22&0x3C@4>>16=${lowLength}:${highLength}`]
      : ['-p', 'udp', '-m', 'length', '--length', `${lowLength + IPV6_HEADER}:${Math.min(highLength + IPV6_HEADER, MAX_LENGTH)}`];
  const module: MatchModule = v4 ? 'u32' : 'length';
  if (limits.udpMinPayload > 0) rules.push(rule('UdpPayloadMin', [module], ...bounds(0, limits.udpMinPayload + UDP_HEADER - 1)));
  const tooLong = limits.udpMaxPayload + UDP_HEADER + 1 + (v4 ? 0 : IPV6_HEADER);
  if (limits.udpMaxPayload > 0 && tooLong <= MAX_LENGTH) rules.push(rule('UdpPayloadMax', [module], ...bounds(limits.udpMaxPayload + UDP_HEADER + 1, MAX_LENGTH)));
  return rules;
}

function rates(limits: RateLimitsConfig, ctx: KindContext): KindRule[] {
  const rules: KindRule[] = [];
  const limit = (kind: RuleKind, perSecond: number, perSource: boolean, modules: MatchModule[], ...match: string[]): void => {
    if (perSecond > 0) rules.push(rule(kind, [...modules, 'hashlimit'], ...match, ...overRate(ctx, kind, perSecond, perSource)));
  };
  const newConn = ['-p', 'tcp', '-m', 'conntrack', '--ctstate', 'NEW'];
  if (ctx.tcp) {
    limit('SynRate', limits.tcpSynRatePerIp, true, [], '-p', 'tcp', '--syn');
    limit('NewConnPerIp', limits.newConnsPerSecPerIp, true, ['conntrack'], ...newConn);
    limit('RstRate', limits.tcpRstRatePerIp, true, [], '-p', 'tcp', '--tcp-flags', 'RST', 'RST');
    limit('TcpPps', limits.tcpPpsPerIp, true, [], '-p', 'tcp');
  }
  if (ctx.udp) limit('UdpPps', limits.udpPpsPerIp, true, [], '-p', 'udp');
  // Global after per-IP: one flooder's excess, dropped above, never spends everyone's budget.
  if (ctx.tcp) limit('NewConnGlobal', limits.newConnsPerSecGlobal, false, ['conntrack'], ...newConn);
  return rules;
}

function connectionCounts(limits: RateLimitsConfig, ctx: KindContext): KindRule[] {
  if (!ctx.tcp) return [];
  const rules: KindRule[] = [];
  const over = (kind: RuleKind, count: number, mask: number): void => {
    if (count > 0) rules.push(rule(kind, ['connlimit'], '-p', 'tcp', '--syn', '-m', 'connlimit', '--connlimit-above', String(count), '--connlimit-mask', String(mask), '--connlimit-saddr'));
  };
  over('ConnPerIp', limits.maxSimultaneousConnsPerIp, ctx.family === 4 ? 32 : 128);
  over('ConnTotal', limits.maxTotalConns, 0);
  return rules;
}

/** Every rule the limits ask for, cheapest checks first. Fragments are not here: see fragment-rules.ts. */
export function kindRules(limits: RateLimitsConfig, ctx: KindContext): KindRule[] {
  return [...stateless(limits, ctx), ...rates(limits, ctx), ...connectionCounts(limits, ctx)];
}

/** The first rule of every proxy chain when kernel bans are on. */
export function banRule(setName: string): KindRule {
  return rule('Ban', ['set'], '-m', 'set', '--match-set', setName, 'src');
}
