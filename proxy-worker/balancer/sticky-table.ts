import type { UpstreamState } from './upstream-state.js';

interface StickyEntry {
  upstream: UpstreamState;
  expiresAt: number;
}

/** Default bound: about 100 bytes an entry, so at most ~10 MB for the table. */
export const DEFAULT_STICKY_CAPACITY = 100_000;

/**
 * Client IP → upstream, for `sticky_sessions`. An entry lives `ttlMs` after the client's last
 * connection (reconnecting within the TTL keeps it). The table is bounded: when full, the entry
 * used longest ago goes first (Map order is insertion order, and a hit re-inserts).
 */
export class StickyTable {
  private readonly entries = new Map<string, StickyEntry>();

  constructor(
    private ttlMs: number,
    private readonly capacity = DEFAULT_STICKY_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  setTtl(ttlMs: number): void {
    this.ttlMs = ttlMs;
  }

  /** The remembered upstream if it is still valid and healthy; refreshes its expiry. */
  lookup(clientIp: string): UpstreamState | undefined {
    const entry = this.entries.get(clientIp);
    if (entry === undefined) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now || !entry.upstream.healthy) {
      this.entries.delete(clientIp);
      return undefined;
    }
    this.entries.delete(clientIp);
    entry.expiresAt = now + this.ttlMs;
    this.entries.set(clientIp, entry);
    return entry.upstream;
  }

  remember(clientIp: string, upstream: UpstreamState): void {
    this.entries.delete(clientIp);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(clientIp, { upstream, expiresAt: this.now() + this.ttlMs });
  }

  /** Forgets entries pointing at upstreams that left the pool in a reconfigure. */
  retain(upstreams: ReadonlySet<UpstreamState>): void {
    for (const [ip, entry] of this.entries) if (!upstreams.has(entry.upstream)) this.entries.delete(ip);
  }

  /** Drops expired entries; entries are in last-use order, so it stops at the first live one. */
  prune(): void {
    const now = this.now();
    for (const [ip, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(ip);
    }
  }
}
