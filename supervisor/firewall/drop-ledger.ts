// What the kernel dropped per proxy and rule kind since this supervisor started: the counters of
// the rules installed now (read at each metrics reading) plus those of the rules this run has
// replaced or removed (read from the scan taken just before each change), so a reload or a flush
// never sends a Prometheus counter backwards.
import { parseComment, type FirewallNaming } from './firewall-names.js';
import { dropCounts, type DropCount, type KernelRule } from './kernel-view.js';
import type { RuleKind } from './rule-kinds.js';

interface Counted {
  comment: string | null;
  packets: number;
  bytes: number;
}

export class DropLedger {
  private readonly retired = new Map<string, DropCount>();
  private live = new Map<string, DropCount[]>();
  /** Bumped by every retirement: a kernel reading begun before one is stale. */
  private retirements = 0;

  /**
   * Adds the counts of rules about to leave the kernel, and takes them out of the last reading
   * of the live rules: counted once, as retired, never twice until the next reading.
   */
  retire(naming: FirewallNaming, proxy: string, rules: readonly Counted[]): void {
    this.retirements++;
    const live = this.live.get(proxy) ?? [];
    for (const rule of rules) {
      const kind = rule.comment === null ? null : parseComment(naming, rule.comment)?.kind;
      if (kind === undefined || kind === null || kind === 'Jump') continue;
      const key = `${proxy}\u0000${kind}`;
      const total = this.retired.get(key) ?? { proxy, kind, packets: 0, bytes: 0 };
      total.packets += rule.packets;
      total.bytes += rule.bytes;
      this.retired.set(key, total);
      // The reading is older than these counts, so never more than they are: what stays is another family's.
      const seen = live.find((count) => count.kind === kind);
      if (seen === undefined) continue;
      seen.packets = Math.max(0, seen.packets - rule.packets);
      seen.bytes = Math.max(0, seen.bytes - rule.bytes);
    }
  }

  /** A token for `observe`: take it before reading the kernel. */
  get epoch(): number {
    return this.retirements;
  }

  /**
   * The kernel's counters now, for the proxies whose rules this run installed. A reading begun
   * before a retirement (`epoch` no longer current) may still hold the retired rules: ignored.
   */
  observe(rules: Map<string, KernelRule[]>, installed: ReadonlySet<string>, epoch = this.retirements): void {
    if (epoch !== this.retirements) return;
    this.live = new Map([...rules].filter(([proxy]) => installed.has(proxy)).map(([proxy, list]) => [proxy, dropCounts(new Map([[proxy, list]]))]));
  }

  /** Per rule kind the proxy has or had, in rule-kind order of first appearance. */
  drops(proxy: string): DropCount[] {
    const byKind = new Map<RuleKind, DropCount>();
    const add = (count: DropCount): void => {
      const total = byKind.get(count.kind) ?? { proxy, kind: count.kind, packets: 0, bytes: 0 };
      total.packets += count.packets;
      total.bytes += count.bytes;
      byKind.set(count.kind, total);
    };
    for (const count of this.live.get(proxy) ?? []) add(count);
    for (const count of this.retired.values()) if (count.proxy === proxy) add(count);
    return [...byKind.values()];
  }

  clear(): void {
    this.retired.clear();
    this.live.clear();
  }
}
