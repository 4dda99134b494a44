// The counter table read two ways: as types (which names a worker bumps, which the supervisor
// computes) and as an ordered list of entries for everything that renders or stores values.
import { COUNTER_TABLE } from './counter-table.js';
import { COUNTER_SCOPES, type CounterScope, type CounterSpec } from './counter-spec.js';

type Table = typeof COUNTER_TABLE;

export type CounterName<S extends CounterScope> = keyof Table[S] & string;

type NamesWithSource<S extends CounterScope, Source> = {
  [N in CounterName<S>]: Table[S][N] extends { source: Source } ? N : never;
}[CounterName<S>];

/** Values a worker bumps itself (`source: 'worker'`). */
export type WorkerCounterName<S extends CounterScope> = NamesWithSource<S, 'worker'>;
/** Values the supervisor computes (`source: 'supervisor'`). */
export type SupervisorValueName<S extends CounterScope> = NamesWithSource<S, 'supervisor'>;

/** One number per worker-sourced name of a scope: the worker's counters, and its report. */
export type WorkerValues<S extends CounterScope> = Record<WorkerCounterName<S>, number>;
/** One number per name of a scope: what the supervisor knows of a proxy, an upstream, … */
export type CounterValues<S extends CounterScope> = Record<CounterName<S>, number>;

export interface CounterEntry {
  scope: CounterScope;
  name: string;
  spec: CounterSpec;
}

/** Every entry, scope by scope, in table order (the order every output lists them in). */
export const COUNTER_ENTRIES: readonly CounterEntry[] = COUNTER_SCOPES.flatMap((scope) =>
  Object.entries(COUNTER_TABLE[scope] as Record<string, CounterSpec>).map(([name, spec]) => ({ scope, name, spec })),
);

export function entriesOf(scope: CounterScope): CounterEntry[] {
  return COUNTER_ENTRIES.filter((e) => e.scope === scope);
}

export function isWorkerSourced(entry: CounterEntry): boolean {
  return entry.spec.source === 'worker';
}

/** The worker-sourced names of a scope; with `kind`, only counters (reset after each report) or gauges. */
export function workerNames<S extends CounterScope>(scope: S, kind?: 'counter' | 'gauge'): WorkerCounterName<S>[] {
  return entriesOf(scope)
    .filter((e) => isWorkerSourced(e) && (kind === undefined || e.spec.kind === kind))
    .map((e) => e.name as WorkerCounterName<S>);
}

/** A fresh object with every worker-sourced name of `scope` at 0. */
export function zeroWorkerValues<S extends CounterScope>(scope: S): WorkerValues<S> {
  return Object.fromEntries(workerNames(scope).map((name) => [name, 0])) as WorkerValues<S>;
}

/** The field name in the API's proxy, stats and upstream views. */
export function apiFieldOf(entry: CounterEntry): string {
  return entry.spec.legacy?.api ?? entry.spec.key;
}

/**
 * The SQLite column holding the entry, or undefined when it is not stored: supervisor and
 * bandwidth values, entries marked `history: false`, and sums without a column of their own
 * (the history query adds their parts up).
 */
export function historyColumnOf(entry: CounterEntry): string | undefined {
  if (entry.scope !== 'proxy' && entry.scope !== 'upstream') return undefined;
  if (entry.spec.history === false) return undefined;
  if (typeof entry.spec.source !== 'string' && entry.spec.legacy?.column === undefined) return undefined;
  return entry.spec.legacy?.column ?? entry.spec.key;
}

/** The field in `/api/stats/proxy/{name}/history` points, for proxy entries the history has. */
export function historyFieldOf(entry: CounterEntry): string {
  return entry.spec.legacy?.historyField ?? entry.spec.key;
}

/** `active_udp_sessions` → `activeUdpSessions`: the store's field for a column. */
export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function sumPartsOf(entry: CounterEntry): readonly string[] {
  return typeof entry.spec.source === 'string' ? [] : entry.spec.source;
}
