import type { Database, Statement } from 'better-sqlite3';

/** Bytes counted into one bucket: `bucketMs` is the bucket's start (Unix ms, UTC-aligned). */
export interface BucketAddition {
  proxy: string;
  bucketMs: number;
  bytesIn: number;
  bytesOut: number;
}

export interface Traffic {
  bytesIn: number;
  bytesOut: number;
}

/** Per-proxy bandwidth usage in fixed buckets (`bandwidth_buckets`), summed over any window. */
export class BandwidthStore {
  private readonly upsert: Statement;
  private readonly sumQuery: Statement;
  private readonly eraseQuery: Statement;
  private readonly pruneQuery: Statement;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(`INSERT INTO bandwidth_buckets (proxy, bucket_ms, bytes_in, bytes_out) VALUES (@proxy, @bucketMs, @bytesIn, @bytesOut)
      ON CONFLICT (proxy, bucket_ms) DO UPDATE SET bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out`);
    this.sumQuery = db.prepare(`SELECT COALESCE(SUM(bytes_in), 0) AS bytesIn, COALESCE(SUM(bytes_out), 0) AS bytesOut
      FROM bandwidth_buckets WHERE proxy = ? AND bucket_ms >= ? AND bucket_ms < ?`);
    this.eraseQuery = db.prepare('DELETE FROM bandwidth_buckets WHERE proxy = ? AND bucket_ms >= ?');
    this.pruneQuery = db.prepare('DELETE FROM bandwidth_buckets WHERE bucket_ms < ?');
  }

  /** Adds every entry in one transaction. */
  add(entries: BucketAddition[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const entry of entries) this.upsert.run(entry);
    })();
  }

  /** Traffic in the buckets that start in [fromMs, toMs). */
  sum(proxy: string, fromMs: number, toMs: number): Traffic {
    return this.sumQuery.get(proxy, fromMs, toMs) as Traffic;
  }

  /** Deletes a proxy's buckets from `fromMs` on; returns how many. */
  erase(proxy: string, fromMs: number): number {
    return this.eraseQuery.run(proxy, fromMs).changes;
  }

  /** Deletes every bucket that starts before `beforeMs`. */
  prune(beforeMs: number): number {
    return this.pruneQuery.run(beforeMs).changes;
  }
}
