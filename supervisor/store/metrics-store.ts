import type { Database, Statement } from 'better-sqlite3';
import { PROXY_COLUMNS, UPSTREAM_COLUMNS, historySelects, type SampleColumn } from './sample-columns.js';

/** A stored value by its field name (`bytesIn`, `activeTcp`, `running`): flags are booleans. */
export type SampleValues = { [field: string]: string | number | boolean };

/**
 * One row of `proxy_samples`: what a proxy did during one flush interval (deltas) and the levels
 * at its end, one field per stored proxy value of the counter table. Deltas rather than totals
 * since start: totals restart at 0 with the supervisor, deltas add up over any window, across
 * restarts, and divide by `intervalMs` into rates. A missing field is stored as 0.
 */
export type ProxySample = SampleValues & {
  proxy: string;
  /** End of the interval (the flush time), Unix ms. */
  tsMs: number;
  intervalMs: number;
};

/** One row of `upstream_samples`: deltas over the interval, levels (`healthy`, `active`) at its end. */
export type UpstreamSample = SampleValues & { proxy: string; upstream: string; tsMs: number; intervalMs: number };

export interface HistoryQuery {
  proxy: string;
  sinceMs: number;
  /** Newest points kept, returned oldest first. */
  limit: number;
  /** Downsampling: samples are grouped into steps of this many ms (aligned to the epoch). */
  stepMs: number | null;
}

/** A history point: one sample, or with a step the sum of its deltas and the peak of its levels. */
export type HistoryPoint = SampleValues & { tsMs: number; samples: number; intervalMs: number };

/** The proxy values the history has, with their field in a `HistoryPoint`. */
export const HISTORY_VALUES = historySelects();
const SELECTS = HISTORY_VALUES;
const FLAG_FIELDS = SELECTS.filter((s) => s.entry.spec.unit === 'flag').map((s) => s.field);

const HISTORY_SQL = `
  SELECT * FROM (
    SELECT (ts_ms / CAST(@step AS INTEGER)) * CAST(@step AS INTEGER) AS tsMs, COUNT(*) AS samples, SUM(interval_ms) AS intervalMs,
      ${SELECTS.map((s) => `${s.expression} AS ${s.field}`).join(', ')}
    FROM proxy_samples WHERE proxy = @proxy AND ts_ms >= @since
    GROUP BY 1 ORDER BY 1 DESC LIMIT @limit
  ) ORDER BY tsMs ASC`;

function insertSql(table: string, keys: string[], columns: SampleColumn[]): string {
  const names = [...keys.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)), ...columns.map((c) => c.column)];
  const params = [...keys, ...columns.map((c) => c.field)].map((p) => `@${p}`);
  return `INSERT OR REPLACE INTO ${table} (${names.join(', ')}) VALUES (${params.join(', ')})`;
}

/** A sample's parameters: every column present, flags as 0/1, a missing value 0. */
function params(sample: SampleValues, keys: string[], columns: SampleColumn[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const key of keys) out[key] = sample[key] as string | number;
  for (const { field } of columns) out[field] = Number(sample[field] ?? 0);
  return out;
}

const PROXY_KEYS = ['proxy', 'tsMs', 'intervalMs'];
const UPSTREAM_KEYS = ['proxy', 'upstream', 'tsMs', 'intervalMs'];

/** The metric time series: written one flush at a time, pruned by age, read for graphs. */
export class MetricsStore {
  private readonly insertProxy: Statement;
  private readonly insertUpstream: Statement;
  private readonly pruneProxy: Statement;
  private readonly pruneUpstream: Statement;
  private readonly historyQuery: Statement;

  constructor(private readonly db: Database) {
    this.insertProxy = db.prepare(insertSql('proxy_samples', PROXY_KEYS, PROXY_COLUMNS));
    this.insertUpstream = db.prepare(insertSql('upstream_samples', UPSTREAM_KEYS, UPSTREAM_COLUMNS));
    this.pruneProxy = db.prepare('DELETE FROM proxy_samples WHERE ts_ms < ?');
    this.pruneUpstream = db.prepare('DELETE FROM upstream_samples WHERE ts_ms < ?');
    this.historyQuery = db.prepare(HISTORY_SQL);
  }

  /** Writes one flush and drops rows older than `pruneBeforeMs`, in one transaction. */
  write(proxies: ProxySample[], upstreams: UpstreamSample[], pruneBeforeMs: number): { pruned: number } {
    return this.db.transaction(() => {
      for (const s of proxies) this.insertProxy.run(params(s, PROXY_KEYS, PROXY_COLUMNS));
      for (const s of upstreams) this.insertUpstream.run(params(s, UPSTREAM_KEYS, UPSTREAM_COLUMNS));
      const pruned = this.pruneProxy.run(pruneBeforeMs).changes;
      this.pruneUpstream.run(pruneBeforeMs);
      return { pruned };
    })();
  }

  history(query: HistoryQuery): HistoryPoint[] {
    const rows = this.historyQuery.all({ proxy: query.proxy, since: query.sinceMs, limit: query.limit, step: query.stepMs ?? 1 }) as HistoryPoint[];
    for (const row of rows) for (const field of FLAG_FIELDS) row[field] = Boolean(row[field]);
    return rows;
  }
}
