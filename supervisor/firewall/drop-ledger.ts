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

  /** Adds the counts of rules about to leave the kernel. */
  retire(naming: FirewallNaming, proxy: string, rules: readonly Counted[]): void {
    for (const rule of rules) {
      const kind = rule.comment === null ? null : parseComment(naming, rule.comment)?.kind;
      if (kind === undefined || kind === null || kind === 'Jump') continue;
      const key = `${proxy}\u0000${kind}`;
      const total = this.retired.get(key) ?? { proxy, kind, packets: 0, bytes: 0 };
      total.packets += rule.packets;
      total.bytes += rule.bytes;
      this.retired.set(key, total);
    }
  }

  /** The kernel's counters now, for the proxies whose rules this run installed. */
  observe(rules: Map<string, KernelRule[]>, installed: ReadonlySet<string>): void {
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
