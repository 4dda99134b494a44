import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The state database's schema, as numbered steps. A database records the last step it ran in
 * `PRAGMA user_version`; each step runs once, in its own transaction. Never edit a released
 * step: add the next number.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'metric samples per proxy and per upstream',
    sql: `
      CREATE TABLE proxy_samples (
        proxy TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        interval_ms INTEGER NOT NULL,
        bytes_in INTEGER NOT NULL,
        bytes_out INTEGER NOT NULL,
        connections INTEGER NOT NULL,
        udp_sessions INTEGER NOT NULL,
        acl_denied INTEGER NOT NULL,
        no_healthy_upstream INTEGER NOT NULL,
        udp_dropped INTEGER NOT NULL,
        suspended_refused INTEGER NOT NULL,
        active_tcp INTEGER NOT NULL,
        active_udp_sessions INTEGER NOT NULL,
        upstreams_healthy INTEGER NOT NULL,
        upstreams_total INTEGER NOT NULL,
        running INTEGER NOT NULL,
        suspended INTEGER NOT NULL,
        PRIMARY KEY (proxy, ts_ms)
      ) WITHOUT ROWID;
      CREATE INDEX proxy_samples_ts ON proxy_samples (ts_ms);
      CREATE TABLE upstream_samples (
        proxy TEXT NOT NULL,
        upstream TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        interval_ms INTEGER NOT NULL,
        healthy INTEGER NOT NULL,
        active INTEGER NOT NULL,
        connections INTEGER NOT NULL,
        bytes_in INTEGER NOT NULL,
        bytes_out INTEGER NOT NULL,
        PRIMARY KEY (proxy, upstream, ts_ms)
      ) WITHOUT ROWID;
      CREATE INDEX upstream_samples_ts ON upstream_samples (ts_ms);`,
  },
  {
    version: 2,
    name: 'bandwidth usage in quarter-hour buckets',
    sql: `
      CREATE TABLE bandwidth_buckets (
        proxy TEXT NOT NULL,
        bucket_ms INTEGER NOT NULL,
        bytes_in INTEGER NOT NULL,
        bytes_out INTEGER NOT NULL,
        PRIMARY KEY (proxy, bucket_ms)
      ) WITHOUT ROWID;
      CREATE INDEX bandwidth_buckets_ts ON bandwidth_buckets (bucket_ms);`,
  },
  {
    version: 3,
    name: 'the ban list and the L7 event log',
    sql: `
      CREATE TABLE bans (
        target TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        source TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER
      );
      CREATE TABLE l7_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts_ms INTEGER NOT NULL,
        proxy TEXT NOT NULL,
        ip TEXT NOT NULL,
        type TEXT NOT NULL,
        points INTEGER NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        protocol TEXT NOT NULL
      );
      CREATE INDEX l7_events_proxy ON l7_events (proxy, id);
      CREATE INDEX l7_events_ip ON l7_events (ip, id);`,
  },
  {
    version: 4,
    name: 'the cluster node that made each ban',
    sql: `ALTER TABLE bans ADD COLUMN node TEXT;`,
  },
];

/** Runs the steps the database has not run yet; returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) throw new Error(`the state database is at schema version ${current}, newer than this RouteX (${newest}); refusing to use it`);
  const applied: number[] = [];
  for (const step of migrations) {
    if (step.version <= current) continue;
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
    applied.push(step.version);
  }
  return applied;
}
