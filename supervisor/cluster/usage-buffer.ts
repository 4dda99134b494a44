// Bytes a node counted for cluster-scope proxies and has not sent to Redis yet, per proxy and
// usage bucket. Normally it holds one second's worth; while Redis is away it grows by one entry
// per proxy per quarter-hour, up to `maxEntries`, past which the oldest bucket is dropped (and
// its bytes counted as lost) so an endless outage cannot eat the supervisor's memory.

export interface BufferedUsage {
  proxy: string;
  bucketMs: number;
  bytesIn: number;
  bytesOut: number;
}

export class UsageBuffer {
  private readonly byProxy = new Map<string, Map<number, BufferedUsage>>();
  private count = 0;
  /** Bytes dropped because the buffer was full, since the last `takeDropped`. */
  private droppedBytes = 0;

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    let total = 0;
    for (const entries of this.byProxy.values()) for (const e of entries.values()) total += e.bytesIn + e.bytesOut;
    return total;
  }

  add(proxy: string, bucketMs: number, bytesIn: number, bytesOut: number): void {
    let entries = this.byProxy.get(proxy);
    if (entries === undefined) this.byProxy.set(proxy, (entries = new Map()));
    const entry = entries.get(bucketMs);
    if (entry !== undefined) {
      entry.bytesIn += bytesIn;
      entry.bytesOut += bytesOut;
      return;
    }
    if (this.count >= this.maxEntries) this.dropOldest();
    entries.set(bucketMs, { proxy, bucketMs, bytesIn, bytesOut });
    this.count++;
  }

  proxies(): string[] {
    return [...this.byProxy.keys()];
  }

  /** The proxy's entries, left in place. */
  of(proxy: string): Iterable<BufferedUsage> {
    return this.byProxy.get(proxy)?.values() ?? [];
  }

  /** Removes and returns the proxy's entries, oldest first. */
  take(proxy: string): BufferedUsage[] {
    const entries = this.byProxy.get(proxy);
    if (entries === undefined) return [];
    this.byProxy.delete(proxy);
    this.count -= entries.size;
    return [...entries.values()].sort((a, b) => a.bucketMs - b.bucketMs);
  }

  /** Bytes lost to the bound since the last call. */
  takeDropped(): number {
    const dropped = this.droppedBytes;
    this.droppedBytes = 0;
    return dropped;
  }

  private dropOldest(): void {
    let oldest: BufferedUsage | undefined;
    for (const entries of this.byProxy.values()) {
      for (const entry of entries.values()) if (oldest === undefined || entry.bucketMs < oldest.bucketMs) oldest = entry;
    }
    if (oldest === undefined) return;
    const entries = this.byProxy.get(oldest.proxy)!;
    entries.delete(oldest.bucketMs);
    if (entries.size === 0) this.byProxy.delete(oldest.proxy);
    this.count--;
    this.droppedBytes += oldest.bytesIn + oldest.bytesOut;
  }
}
