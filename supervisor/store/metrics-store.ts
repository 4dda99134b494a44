import type { Database, Statement } from 'better-sqlite3';

/**
 * One row of `proxy_samples`: what a proxy did during one flush interval (deltas) and the levels
 * at its end. Deltas rather than totals since start: totals restart at 0 with the supervisor,
 * deltas add up over any window, across restarts, and divide by `intervalMs` into rates.
 */
export interface ProxySample {
  proxy: string;
  /** End of the interval (the flush time), Unix ms. */
  tsMs: number;
  intervalMs: number;
  bytesIn: number;
  bytesOut: number;
  /** TCP connections accepted plus UDP sessions opened. */
  connections: number;
  udpSessions: number;
  aclDenied: number;
  noHealthyUpstream: number;
  udpDropped: number;
  suspendedRefused: number;
  activeTcp: number;
  activeUdpSessions: number;
  upstreamsHealthy: number;
  upstreamsTotal: number;
  running: boolean;
  suspended: boolean;
}

/** One row of `upstream_samples`: deltas over the interval, `healthy`/`active` at its end. */
export interface UpstreamSample {
  proxy: string;
  upstream: string;
  tsMs: number;
  intervalMs: number;
  healthy: boolean;
  active: number;
  connections: number;
  bytesIn: number;
  bytesOut: number;
}

export interface HistoryQuery {
  proxy: string;
  sinceMs: number;
  /** Newest points kept, returned oldest first. */
  limit: number;
  /** Downsampling: samples are grouped into steps of this many ms (aligned to the epoch). */
  stepMs: number | null;
}

/** A history point: one sample, or with a step the sum of its deltas and the peak of its levels. */
export interface HistoryPoint {
  tsMs: number;
  samples: number;
  intervalMs: number;
  bytesIn: number;
  bytesOut: number;
  connections: number;
  udpSessions: number;
  aclDenied: number;
  noHealthyUpstream: number;
  udpDropped: number;
  suspendedRefused: number;
  activeConnections: number;
  activeTcp: number;
  activeUdpSessions: number;
  upstreamsHealthy: number;
  upstreamsTotal: number;
  running: boolean;
  suspended: boolean;
}

const HISTORY_SQL = `
  SELECT * FROM (
    SELECT (ts_ms / CAST(@step AS INTEGER)) * CAST(@step AS INTEGER) AS tsMs, COUNT(*) AS samples, SUM(interval_ms) AS intervalMs,
      SUM(bytes_in) AS bytesIn, SUM(bytes_out) AS bytesOut, SUM(connections) AS connections,
      SUM(udp_sessions) AS udpSessions, SUM(acl_denied) AS aclDenied,
      SUM(no_healthy_upstream) AS noHealthyUpstream, SUM(udp_dropped) AS udpDropped,
      SUM(suspended_refused) AS suspendedRefused, MAX(active_tcp + active_udp_sessions) AS activeConnections,
      MAX(active_tcp) AS activeTcp, MAX(active_udp_sessions) AS activeUdpSessions,
      MIN(upstreams_healthy) AS upstreamsHealthy, MAX(upstreams_total) AS upstreamsTotal,
      MAX(running) AS running, MAX(suspended) AS suspended
    FROM proxy_samples WHERE proxy = @proxy AND ts_ms >= @since
    GROUP BY 1 ORDER BY 1 DESC LIMIT @limit
  ) ORDER BY tsMs ASC`;

/** The metric time series: written one flush at a time, pruned by age, read for graphs. */
export class MetricsStore {
  private readonly insertProxy: Statement;
  private readonly insertUpstream: Statement;
  private readonly pruneProxy: Statement;
  private readonly pruneUpstream: Statement;
  private readonly historyQuery: Statement;

  constructor(private readonly db: Database) {
    this.insertProxy = db.prepare(`INSERT OR REPLACE INTO proxy_samples VALUES (@proxy, @tsMs, @intervalMs, @bytesIn, @bytesOut,
      @connections, @udpSessions, @aclDenied, @noHealthyUpstream, @udpDropped, @suspendedRefused, @activeTcp,
      @activeUdpSessions, @upstreamsHealthy, @upstreamsTotal, @running, @suspended)`);
    this.insertUpstream = db.prepare(`INSERT OR REPLACE INTO upstream_samples VALUES (@proxy, @upstream, @tsMs, @intervalMs,
      @healthy, @active, @connections, @bytesIn, @bytesOut)`);
    this.pruneProxy = db.prepare('DELETE FROM proxy_samples WHERE ts_ms < ?');
    this.pruneUpstream = db.prepare('DELETE FROM upstream_samples WHERE ts_ms < ?');
    this.historyQuery = db.prepare(HISTORY_SQL);
  }

  /** Writes one flush and drops rows older than `pruneBeforeMs`, in one transaction. */
  write(proxies: ProxySample[], upstreams: UpstreamSample[], pruneBeforeMs: number): { pruned: number } {
    return this.db.transaction(() => {
      for (const s of proxies) this.insertProxy.run({ ...s, running: Number(s.running), suspended: Number(s.suspended) });
      for (const s of upstreams) this.insertUpstream.run({ ...s, healthy: Number(s.healthy) });
      const pruned = this.pruneProxy.run(pruneBeforeMs).changes;
      this.pruneUpstream.run(pruneBeforeMs);
      return { pruned };
    })();
  }

  history(query: HistoryQuery): HistoryPoint[] {
    const rows = this.historyQuery.all({ proxy: query.proxy, since: query.sinceMs, limit: query.limit, step: query.stepMs ?? 1 }) as HistoryPoint[];
    return rows.map((row) => ({ ...row, running: Boolean(row.running), suspended: Boolean(row.suspended) }));
  }
}
