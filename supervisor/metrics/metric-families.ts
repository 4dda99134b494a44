import { COUNTER_ENTRIES, type CounterEntry } from '../../shared/counters/counters.js';
import type { CounterScope } from '../../shared/counters/counter-spec.js';

/**
 * The metric families every output format (JSON, Prometheus, Influx line protocol, CSV) renders,
 * in this order, read from the counter table (shared/counters/counter-table.ts) so the formats
 * cannot disagree on a name or a meaning. `name` is the Prometheus name; `key` is the
 * field/column name in the other formats.
 */
export type MetricScope = CounterScope;

export interface MetricFamily {
  name: string;
  key: string;
  type: 'counter' | 'gauge';
  scope: MetricScope;
  help: string;
  /** Proxy metrics that JSON, Influx and CSV also sum across proxies (the global totals). */
  total?: boolean;
  /** A duration in seconds, with a fraction; every other value is a whole number. */
  fractional?: boolean;
}

const SINCE = 'Counted since the supervisor started.';

function familyOf({ scope, spec }: CounterEntry): MetricFamily {
  const help = spec.kind === 'counter' ? `${spec.help} ${SINCE}` : spec.help;
  return { name: spec.prometheus, key: spec.key, type: spec.kind, scope, help, ...(spec.total === true ? { total: true } : {}), ...(spec.unit === 'seconds' ? { fractional: true } : {}) };
}

export const METRIC_FAMILIES: readonly MetricFamily[] = COUNTER_ENTRIES.map(familyOf);

export function familiesOf(scope: MetricScope): MetricFamily[] {
  return METRIC_FAMILIES.filter((f) => f.scope === scope);
}
