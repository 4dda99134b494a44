// The SQLite history's counter columns, read from the counter table: which column holds which
// value, how the history query folds samples into a step, and the step that adds a column for
// a newly declared value to an existing database.
import type { Database } from 'better-sqlite3';
import { camelCase, entriesOf, historyColumnOf, sumPartsOf, type CounterEntry } from '../../shared/counters/counters.js';

export interface SampleColumn {
  entry: CounterEntry;
  column: string;
  /** The store's field for the column: `active_udp_sessions` → `activeUdpSessions`. */
  field: string;
}

function columnsOf(scope: 'proxy' | 'upstream'): SampleColumn[] {
  return entriesOf(scope).flatMap((entry) => {
    const column = historyColumnOf(entry);
    return column === undefined ? [] : [{ entry, column, field: camelCase(column) }];
  });
}

export const PROXY_COLUMNS = columnsOf('proxy');
export const UPSTREAM_COLUMNS = columnsOf('upstream');

/** The history query's expression per proxy value: deltas are summed over a step, levels keep their peak (or low). */
export function historySelects(): { expression: string; field: string; entry: CounterEntry }[] {
  const columnOf = new Map(PROXY_COLUMNS.map((c) => [c.entry.name, c.column]));
  return entriesOf('proxy').flatMap((entry) => {
    const stored = columnOf.get(entry.name);
    const parts = sumPartsOf(entry).map((part) => columnOf.get(part));
    const operand = stored ?? (parts.length > 0 && parts.every((p) => p !== undefined) ? parts.join(' + ') : undefined);
    if (operand === undefined) return [];
    const fold = entry.spec.kind === 'counter' ? 'SUM' : entry.spec.stepGauge === 'min' ? 'MIN' : 'MAX';
    return [{ expression: `${fold}(${operand})`, field: camelCase(stored ?? entry.spec.key), entry }];
  });
}

/**
 * Adds the column of every stored value the database does not have yet (a value declared after
 * the file was created), as `INTEGER NOT NULL DEFAULT 0`: rows from before count 0 for it, which
 * is what they saw. Columns are never dropped or renamed here; that takes a numbered migration.
 */
export function addCounterColumns(db: Database): string[] {
  const added: string[] = [];
  for (const [table, columns] of [['proxy_samples', PROXY_COLUMNS], ['upstream_samples', UPSTREAM_COLUMNS]] as const) {
    const present = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    for (const { column } of columns) {
      if (present.has(column)) continue;
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
      added.push(`${table}.${column}`);
    }
  }
  return added;
}
