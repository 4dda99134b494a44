import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrations.js';
import { addCounterColumns } from './sample-columns.js';

export const IN_MEMORY = ':memory:';

/**
 * Opens the supervisor's state database (metric samples, bandwidth buckets) at `file`, creating
 * its folder, in WAL mode so readers (the API, an operator's `sqlite3`) never wait for a flush,
 * and brings its schema up to date (numbered migrations, then a column per newly declared counter). `:memory:` gives the same schema without persistence.
 */
export function openStateDatabase(file: string): Database {
  if (file !== IN_MEMORY) mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a crash can lose the last flush, never corrupt the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    addCounterColumns(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
