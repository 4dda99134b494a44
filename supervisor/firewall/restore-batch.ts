// iptables-restore input, built from a scan of what the kernel holds. Each batch is applied with
// `iptables-restore --noflush` in one transaction: the old rules of a proxy and its new ones swap
// at once, and a batch that fails anywhere changes nothing.
import { RoutexError } from '../../shared/errors/routex-error.js';
import { entryComment, inputChain, parseComment, type FirewallNaming } from './firewall-names.js';
import { ruleLine, type ProxyRuleSet } from './rule-builder.js';
import type { SavedRule, SavedTable } from './save-parser.js';

export class ChainsMissingError extends RoutexError {
  constructor(message: string) {
    super('ERR_IPTABLES_CHAINS_MISSING', message);
  }
}

/** What the kernel holds of one proxy: rules carrying its comments and the chains they jump to. */
export interface ProxyFootprint {
  rules: SavedRule[];
  chains: string[];
}

function isOurChain(naming: FirewallNaming, chain: string): boolean {
  return chain.startsWith(`${naming.chainPrefix}-`);
}

export function footprintOf(table: SavedTable, naming: FirewallNaming, proxy: string, ownChain?: string): ProxyFootprint {
  const rules = table.rules.filter((rule) => rule.comment !== null && parseComment(naming, rule.comment)?.proxy === proxy);
  const chains = new Set<string>();
  for (const rule of rules) {
    if (rule.target !== null && isOurChain(naming, rule.target) && rule.target !== inputChain(naming) && table.chains.has(rule.target)) chains.add(rule.target);
  }
  if (ownChain !== undefined && table.chains.has(ownChain)) chains.add(ownChain);
  return { rules, chains: [...chains] };
}

/** Every proxy that has rules in the kernel, by the comments found. */
export function proxiesInKernel(table: SavedTable, naming: FirewallNaming): Set<string> {
  const names = new Set<string>();
  for (const rule of table.rules) {
    const owner = rule.comment === null ? null : parseComment(naming, rule.comment);
    if (owner !== null) names.add(owner.proxy);
  }
  return names;
}

/** Lines that create `<prefix>-INPUT` and the jump to it when they are missing. */
export function baseLines(table: SavedTable, naming: FirewallNaming, autoCreate: boolean): string[] {
  const chain = inputChain(naming);
  const lines: string[] = [];
  const hasChain = table.chains.has(chain);
  const hasEntry = table.rules.some((rule) => rule.chain === 'INPUT' && rule.target === chain);
  if (hasChain && hasEntry) return lines;
  if (!autoCreate) {
    throw new ChainsMissingError(`${hasChain ? `the jump from INPUT to ${chain}` : `chain ${chain}`} is missing and iptables.auto_create_chains is false; create it or turn auto_create_chains on`);
  }
  if (!hasChain) lines.push(`:${chain} - [0:0]`);
  if (!hasEntry) lines.push(`-I INPUT 1 -m comment --comment ${entryComment(naming)} -j ${chain}`);
  return lines;
}

function removalLines(footprint: ProxyFootprint, keepChain?: string): string[] {
  const lines = footprint.rules.filter((rule) => !footprint.chains.includes(rule.chain)).map((rule) => `-D ${rule.chain} ${rule.spec}`);
  for (const chain of footprint.chains) if (chain !== keepChain) lines.push(`-F ${chain}`, `-X ${chain}`);
  return lines;
}

function batch(lines: string[]): string {
  return ['*filter', ...lines, 'COMMIT', ''].join('\n');
}

/**
 * Replaces one proxy's rules: its old rules wherever they are (found by comment, so leftovers of a
 * crashed run too), then its chain (created, or flushed by redeclaring it) and the new rules.
 * `next` null removes the proxy's rules only.
 */
export function replaceBatch(table: SavedTable, naming: FirewallNaming, proxy: string, next: ProxyRuleSet | null, ownChain: string, autoCreate: boolean): string {
  const footprint = footprintOf(table, naming, proxy, ownChain);
  if (next === null) return batch(removalLines(footprint));
  const lines = [...baseLines(table, naming, autoCreate), ...removalLines(footprint, next.chain), `:${next.chain} - [0:0]`];
  for (const rule of next.rules) lines.push(ruleLine(rule));
  for (const jump of next.jumps) lines.push(ruleLine(jump));
  return batch(lines);
}

/** True when the batch would change nothing (no rules of that proxy and nothing to add). */
export function isEmptyBatch(text: string): boolean {
  return text === batch([]);
}

/** Removes everything RouteX put in the filter table: every proxy's rules, the jump from INPUT, its chains. */
export function removeAllBatch(table: SavedTable, naming: FirewallNaming): string {
  const ours = [...table.chains].filter((chain) => isOurChain(naming, chain));
  const lines = table.rules
    .filter((rule) => !ours.includes(rule.chain) && (ours.includes(rule.target ?? '') || (rule.comment !== null && parseComment(naming, rule.comment) !== null)))
    .map((rule) => `-D ${rule.chain} ${rule.spec}`);
  for (const chain of ours) lines.push(`-F ${chain}`);
  for (const chain of ours) lines.push(`-X ${chain}`);
  return batch(lines);
}

/** The rule as `iptables -S` shows it, for logs and the API's "would make" answers. */
export function describeRules(set: ProxyRuleSet): string[] {
  return [...set.rules, ...set.jumps].map(ruleLine);
}

/**
 * Puts the jump to `<prefix>-INPUT` back at the top of INPUT, once, when another tool inserted
 * rules above it (or left a second copy); empty string when it is already alone at the top.
 */
export function entryToTopBatch(table: SavedTable, naming: FirewallNaming): string {
  const chain = inputChain(naming);
  const input = table.rules.filter((rule) => rule.chain === 'INPUT');
  const entries = input.filter((rule) => rule.target === chain);
  if (entries.length === 0 || (entries.length === 1 && input[0] === entries[0])) return '';
  const lines = entries.map((rule) => `-D INPUT ${rule.spec}`);
  lines.push(`-I INPUT 1 -m comment --comment ${entryComment(naming)} -j ${chain}`);
  return batch(lines);
}
