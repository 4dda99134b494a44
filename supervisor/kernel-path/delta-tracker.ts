// The kernel keeps running totals (rule counters, element counters); RouteX reports deltas. A
// total that went down was reset (the element or counter was written afresh): its new value is
// all new. A key not seen before counts from zero. Pure.
export class DeltaTracker {
  private readonly last = new Map<string, number>();

  /** How much `key` grew since the previous reading. */
  delta(key: string, total: number): number {
    const previous = this.last.get(key) ?? 0;
    this.last.set(key, total);
    return total >= previous ? total - previous : total;
  }

  /** Forgets every key not in `seen` (elements that are gone). */
  retain(seen: ReadonlySet<string>, prefix = ''): void {
    for (const key of this.last.keys()) if (key.startsWith(prefix) && !seen.has(key)) this.last.delete(key);
  }
}
