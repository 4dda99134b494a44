import type { Database } from 'better-sqlite3';
import { BandwidthStore } from './bandwidth-store.js';
import { MetricsStore } from './metrics-store.js';
import { SqliteBanStore } from './sqlite-ban-store.js';
import { L7EventStore } from './l7-event-store.js';
import { IN_MEMORY, openStateDatabase } from './state-database.js';

interface StoreLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The supervisor's SQLite file (`metrics.sqlite_path`) and the stores in it. If the file cannot
 * be opened (permissions, a full disk, a newer schema) RouteX still runs, on an in-memory
 * database: quotas and graphs work but forget everything at exit, and the error says so.
 */
export class StateStore {
  readonly metrics: MetricsStore;
  readonly bandwidth: BandwidthStore;
  readonly bans: SqliteBanStore;
  readonly l7Events: L7EventStore;

  private constructor(
    private readonly db: Database,
    readonly file: string,
    readonly persistent: boolean,
  ) {
    this.metrics = new MetricsStore(db);
    this.bandwidth = new BandwidthStore(db);
    this.bans = new SqliteBanStore(db);
    this.l7Events = new L7EventStore(db);
  }

  static open(file: string, logger: StoreLogger): StateStore {
    if (file === '') {
      logger.error('no metrics.sqlite_path set: metrics history and bandwidth usage are kept in memory only');
      return new StateStore(openStateDatabase(IN_MEMORY), IN_MEMORY, false);
    }
    try {
      const store = new StateStore(openStateDatabase(file), file, true);
      logger.info('state database opened', { file });
      return store;
    } catch (error) {
      logger.error('cannot open the state database, keeping metrics and bandwidth usage in memory only', { file, error: (error as Error).message });
      return new StateStore(openStateDatabase(IN_MEMORY), IN_MEMORY, false);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
