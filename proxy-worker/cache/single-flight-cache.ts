/** What a fetch produced: a value, or `null` when it failed (remembered too, so a dead backend is not hammered). */
type Outcome<V> = V | null;

interface Entry<V> {
  outcome: Outcome<V>;
  fetchedAt: number;
  inFlight: Promise<Outcome<V>> | null;
}

export type Now = () => number;

/**
 * A bounded cache that fetches each key at most once per ttl, however many callers ask: callers
 * that arrive while a fetch is in flight share it, and a failed fetch is remembered for the ttl
 * like a success. Past `maxEntries` keys, a new key takes the slot of an expired one, or when none
 * has expired is not fetched at all (the caller gets the newest outcome): distinct keys cannot
 * multiply the fetches beyond `maxEntries` per ttl.
 */
export class SingleFlightCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private newest: Entry<V> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: Now = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The fresh outcome for `key` (synchronously when it is cached), else a promise of it. `fetch`
   * is called only when no fresh outcome and no fetch in flight exist for the key.
   */
  get(key: K, fetch: () => Promise<Outcome<V>>): Outcome<V> | Promise<Outcome<V>> {
    const at = this.now();
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      if (entry.inFlight !== null) return entry.inFlight;
      if (at - entry.fetchedAt < this.ttlMs) return entry.outcome;
    } else if (this.entries.size >= this.maxEntries && !this.evictExpired(at)) {
      return this.newest === null ? null : (this.newest.inFlight ?? this.newest.outcome);
    } else {
      entry = { outcome: null, fetchedAt: at, inFlight: null };
      this.entries.set(key, entry);
    }
    return this.start(entry, fetch);
  }

  /** Forgets every outcome (a backend's health changed); fetches in flight finish for their callers. */
  clear(): void {
    for (const [key, entry] of this.entries) if (entry.inFlight === null) this.entries.delete(key);
    if (this.newest?.inFlight === null) this.newest = null;
  }

  /** Frees the slot of one expired key; each slot thus costs at most one fetch per ttl. */
  private evictExpired(at: number): boolean {
    for (const [key, entry] of this.entries) {
      if (entry.inFlight === null && at - entry.fetchedAt >= this.ttlMs) {
        this.entries.delete(key);
        if (this.newest === entry) this.newest = null;
        return true;
      }
    }
    return false;
  }

  private start(entry: Entry<V>, fetch: () => Promise<Outcome<V>>): Promise<Outcome<V>> {
    const settle = (outcome: Outcome<V>): Outcome<V> => {
      entry.outcome = outcome;
      entry.fetchedAt = this.now();
      entry.inFlight = null;
      if (outcome !== null) this.newest = entry;
      return outcome;
    };
    entry.inFlight = fetch().then(settle, () => settle(null));
    return entry.inFlight;
  }
}
