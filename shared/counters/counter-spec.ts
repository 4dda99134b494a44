// What one entry of the counter table (counter-table.ts) says about a value. Everything that
// reports, sums, stores, renders or documents values reads these entries; nothing else names them.

export const COUNTER_SCOPES = ['supervisor', 'proxy', 'upstream', 'route', 'bandwidth', 'iptables', 'l7_reason', 'l7_event'] as const;
/**
 * Which thing a value describes: the whole supervisor, one proxy, one upstream, one route of a
 * proxy, one quota period, one kind of a proxy's kernel rules, one reason the L7 layer blocked
 * for, one L7 event type.
 */
export type CounterScope = (typeof COUNTER_SCOPES)[number];

export const COUNTER_KINDS = ['counter', 'gauge'] as const;
/** `counter` only grows (workers report deltas); `gauge` is a level that goes up and down. */
export type CounterKind = (typeof COUNTER_KINDS)[number];

export const COUNTER_UNITS = ['connections', 'sessions', 'datagrams', 'packets', 'bytes', 'events', 'proxies', 'upstreams', 'files', 'addresses', 'restarts', 'descriptors', 'seconds', 'flag'] as const;
/** `flag` values are 0/1 in metrics and SQLite, booleans in the API. */
export type CounterUnit = (typeof COUNTER_UNITS)[number];

/**
 * Where the value comes from:
 * - `worker`: a plain number the worker bumps on the data path. Proxy scope: a field of the
 *   worker's `ProxyCounters`; upstream scope: a field of `UpstreamState`. Counters travel as
 *   deltas (reset after each report), gauges as levels.
 * - `supervisor`: computed by the supervisor, by the function of the same name in
 *   `supervisor/stats/supervisor-values.ts` (the compiler insists on one).
 * - a list of names: the sum of those entries of the same scope.
 */
export type CounterSource = 'worker' | 'supervisor' | readonly string[];

export interface CounterSpec {
  kind: CounterKind;
  unit: CounterUnit;
  /** JSON, Influx and CSV key, API field and SQLite column: the entry's name in snake_case. */
  key: string;
  /** `routex_<key>` (`routex_upstream_…`, `routex_bandwidth_…`, `routex_iptables_…`), counters ending in `_total`. */
  prometheus: string;
  /** One sentence for Prometheus HELP, the OpenAPI schemas and the README. */
  help: string;
  source: CounterSource;
  /** Proxy scope: JSON, Influx and CSV also sum it across proxies (the global totals). */
  total?: boolean;
  /** Proxy and upstream scope: false keeps it out of the SQLite history (default: stored). */
  history?: false;
  /** For the history at a `step`: gauges keep their peak (`max`, the default) or their low. */
  stepGauge?: 'max' | 'min';
  /**
   * Names from before the table that users and files already depend on. New entries have none:
   * their API field, SQLite column and history field are all `key`.
   */
  legacy?: {
    /** The field in the API's proxy and stats views. */
    api?: string;
    /** The SQLite column (and, camel-cased, the store's field). */
    column?: string;
    /** The field in `/api/stats/proxy/{name}/history` points. */
    historyField?: string;
  };
}

export type CounterTable = { readonly [S in CounterScope]: Readonly<Record<string, CounterSpec>> };
