import type { Database, Statement } from 'better-sqlite3';
import type { L7Event } from '../../shared/l7/l7-event.js';

/** The event log keeps this many events, all proxies together; older ones are deleted. */
export const L7_EVENTS_KEPT = 10_000;

export interface StoredL7Event extends L7Event {
  id: number;
  proxy: string;
}

export interface L7EventQuery {
  limit: number;
  proxy?: string;
  ip?: string;
}

interface EventRow {
  id: number;
  ts_ms: number;
  proxy: string;
  ip: string;
  type: string;
  points: number;
  action: L7Event['action'];
  detail: string;
  protocol: L7Event['protocol'];
}

/**
 * The L7 event log (`l7_events`). Read newest first by event time across all proxies (each worker
 * sends its events once a second, so rows arrive up to a second out of time order); the row id,
 * unique and in arrival order, breaks ties.
 */
export class L7EventStore {
  private readonly insert: Statement;
  private readonly prune: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare('INSERT INTO l7_events (ts_ms, proxy, ip, type, points, action, detail, protocol) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.prune = db.prepare(`DELETE FROM l7_events WHERE id <= (SELECT MAX(id) FROM l7_events) - ${L7_EVENTS_KEPT}`);
  }

  /** Adds one worker's batch in one transaction, then trims the log to the last 10,000. */
  add(proxy: string, events: readonly L7Event[]): void {
    if (events.length === 0) return;
    this.db.transaction(() => {
      for (const e of events) this.insert.run(e.atMs, proxy, e.ip, e.type, e.points, e.action, e.detail, e.protocol);
      this.prune.run();
    })();
  }

  query({ limit, proxy, ip }: L7EventQuery): StoredL7Event[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (proxy !== undefined) {
      where.push('proxy = ?');
      params.push(proxy);
    }
    if (ip !== undefined) {
      where.push('ip = ?');
      params.push(ip);
    }
    const sql = `SELECT id, ts_ms, proxy, ip, type, points, action, detail, protocol FROM l7_events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts_ms DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, limit) as EventRow[];
    return rows.map((r) => ({ id: r.id, atMs: r.ts_ms, proxy: r.proxy, ip: r.ip, type: r.type, points: r.points, action: r.action, detail: r.detail, protocol: r.protocol }));
  }
}
