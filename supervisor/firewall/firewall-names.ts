// Every name RouteX gives a kernel object, derived from the `iptables` block of global.yaml and the
// proxy's name. Kernel limits: chain names ≤ 28 characters, comments ≤ 255, ipset names ≤ 31,
// hashlimit names ≤ 15 on older kernels (and they become /proc file names, so no "/").
import { createHash } from 'node:crypto';
import { isRuleKind, JUMP_KIND, type IpFamily, type RuleKind } from './rule-kinds.js';

export interface FirewallNaming {
  chainPrefix: string;
  commentPrefix: string;
}

const MAX_CHAIN = 28;
/** xt_comment's limit; nftables allows 128 (see NFT_COMMENT_MAX). */
export const MAX_COMMENT = 255;
export const NFT_MAX_COMMENT = 128;
/** Chain suffixes RouteX uses itself: a proxy of that name gets a hashed chain name. */
const RESERVED_SUFFIXES = new Set(['INPUT', 'PROBE']);

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** `<chain_prefix>-INPUT`: jumped to from the top of INPUT, jumps to each proxy's chain. */
export function inputChain(naming: FirewallNaming): string {
  return `${naming.chainPrefix}-INPUT`;
}

/** A scratch chain for probing match modules; created and removed in the same breath. */
export function probeChain(naming: FirewallNaming): string {
  return `${naming.chainPrefix}-PROBE`;
}

/** Comment of the INPUT → `<chain_prefix>-INPUT` jump. It parses as no proxy's rule. */
export function entryComment(naming: FirewallNaming): string {
  return `${naming.commentPrefix}-INPUT`;
}

/**
 * `<chain_prefix>-<proxy>` when that fits; otherwise the name's start, "~" and a hash of the whole
 * name. Proxy names cannot contain "~", so a hashed name never equals another proxy's plain one.
 */
export function proxyChain(naming: FirewallNaming, proxy: string): string {
  const plain = `${naming.chainPrefix}-${proxy}`;
  if (plain.length <= MAX_CHAIN && !RESERVED_SUFFIXES.has(proxy)) return plain;
  const hash = shortHash(proxy, 6);
  const room = MAX_CHAIN - naming.chainPrefix.length - 1 - 1 - hash.length;
  return `${naming.chainPrefix}-${proxy.slice(0, Math.max(0, room))}~${hash}`;
}

/** The ipset holding banned addresses of one family. */
export function banSetName(naming: FirewallNaming, family: IpFamily): string {
  return `${naming.chainPrefix}-bans${family}`;
}

/**
 * A hashlimit table name. The kernel shares a table between rules of the same name and keeps the
 * settings of the rule that created it, so the name covers the settings too: a changed rate gets a
 * fresh table instead of silently keeping the old one.
 */
export function hashlimitName(naming: FirewallNaming, proxy: string, kind: RuleKind, settings: string): string {
  return `rx${shortHash(`${naming.chainPrefix}|${proxy}|${kind}|${settings}`, 12)}`;
}

/** `<comment_prefix>-<proxy>-<kind>-<scope>`; a scope too long for the kernel is cut, ending in "...". */
export function ruleComment(naming: FirewallNaming, proxy: string, kind: RuleKind | typeof JUMP_KIND, scope: string, maxLength = MAX_COMMENT): string {
  const head = `${naming.commentPrefix}-${proxy}-${kind}-`;
  const fits = head.length + scope.length <= maxLength;
  return head + (fits ? scope : `${scope.slice(0, Math.max(0, maxLength - head.length - 3))}...`);
}

export interface CommentOwner {
  proxy: string;
  kind: RuleKind | typeof JUMP_KIND;
  scope: string;
}

const PROXY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Who owns a rule, from its comment; null for anything that is not a RouteX proxy rule. */
export function parseComment(naming: FirewallNaming, comment: string): CommentOwner | null {
  const head = `${naming.commentPrefix}-`;
  if (!comment.startsWith(head)) return null;
  const rest = comment.slice(head.length);
  const scopeAt = rest.lastIndexOf('-');
  if (scopeAt <= 0) return null;
  const kindAt = rest.lastIndexOf('-', scopeAt - 1);
  if (kindAt <= 0) return null;
  const kind = rest.slice(kindAt + 1, scopeAt);
  const proxy = rest.slice(0, kindAt);
  if (!isRuleKind(kind) || !PROXY_NAME.test(proxy)) return null;
  return { proxy, kind, scope: rest.slice(scopeAt + 1) };
}
