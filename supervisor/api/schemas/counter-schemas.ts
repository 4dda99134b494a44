import { Type, type TSchema } from '@sinclair/typebox';
import { apiFieldOf, entriesOf, type CounterEntry } from '../../../shared/counters/counters.js';
import type { CounterScope } from '../../../shared/counters/counter-spec.js';

/**
 * A value's schema: flags are booleans in the API, durations in seconds numbers, everything else
 * an integer; the table's help
 * as description. `live` counters run since the supervisor started; history points hold deltas.
 */
export function counterSchema(entry: CounterEntry, reading: 'live' | 'history' = 'live'): TSchema {
  const since = entry.spec.kind === 'counter' && reading === 'live' ? ' Since the supervisor started.' : '';
  const description = `${entry.spec.help}${since} (Prometheus: ${entry.spec.prometheus})`;
  if (entry.spec.unit === 'flag') return Type.Boolean({ description });
  return entry.spec.unit === 'seconds' ? Type.Number({ description, minimum: 0 }) : Type.Integer({ description });
}

/** The schema properties of every value of `scope` under its API name, as the views render them. */
export function counterProperties(scope: CounterScope): Record<string, TSchema> {
  return Object.fromEntries(entriesOf(scope).map((entry) => [apiFieldOf(entry), counterSchema(entry)]));
}
