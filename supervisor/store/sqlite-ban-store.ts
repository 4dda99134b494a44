import type { Database, Statement } from 'better-sqlite3';
import type { Ban } from '../../shared/bans/ban.js';
import type { BanStore } from '../bans/ban-store.js';

interface BanRow {
  target: string;
  reason: string;
  source: string;
  node: string | null;
  created_ms: number;
  expires_ms: number | null;
}

/** The ban list in the state database (`bans`): the single-node `BanStore`, and a cluster node's own copy. */
export class SqliteBanStore implements BanStore {
  private readonly selectAll: Statement;
  private readonly upsert: Statement;
  private readonly remove: Statement;

  constructor(db: Database) {
    this.selectAll = db.prepare('SELECT target, reason, source, node, created_ms, expires_ms FROM bans');
    this.upsert = db.prepare(`INSERT INTO bans (target, reason, source, node, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (target) DO UPDATE SET reason = excluded.reason, source = excluded.source, node = excluded.node, created_ms = excluded.created_ms, expires_ms = excluded.expires_ms`);
    this.remove = db.prepare('DELETE FROM bans WHERE target = ?');
  }

  async load(): Promise<Ban[]> {
    return (this.selectAll.all() as BanRow[]).map((row) => ({
      target: row.target,
      reason: row.reason,
      source: row.source,
      node: row.node,
      createdAtMs: row.created_ms,
      expiresAtMs: row.expires_ms,
    }));
  }

  async save(ban: Ban): Promise<void> {
    this.upsert.run(ban.target, ban.reason, ban.source, ban.node, ban.createdAtMs, ban.expiresAtMs);
  }

  async delete(ban: Ban): Promise<void> {
    this.remove.run(ban.target);
  }
}
