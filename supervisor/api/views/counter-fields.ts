import { apiFieldOf, entriesOf, type CounterValues } from '../../../shared/counters/counters.js';
import type { CounterScope } from '../../../shared/counters/counter-spec.js';
import type { RouteTotals, UpstreamTotals } from '../../stats/proxy-stats.js';
import { proxyValues, routeValues, upstreamValues } from '../../stats/supervisor-values.js';
import type { ProxyController } from '../../workers/proxy-controller.js';

export type CounterFields = Record<string, number | boolean>;

/** A scope's values under their API names; flags (`running`, `suspended`, `healthy`) as booleans. */
export function counterFields<S extends CounterScope>(scope: S, values: CounterValues<S>): CounterFields {
  const named = values as Record<string, number>;
  const fields: CounterFields = {};
  for (const entry of entriesOf(scope)) {
    const value = named[entry.name] ?? 0;
    fields[apiFieldOf(entry)] = entry.spec.unit === 'flag' ? value === 1 : value;
  }
  return fields;
}

/** Every proxy value of the counter table, as the proxy and stats views show it. */
export function proxyCounterFields(controller: ProxyController): CounterFields {
  return counterFields('proxy', proxyValues(controller));
}

export function upstreamCounterFields(totals: UpstreamTotals): CounterFields {
  return counterFields('upstream', upstreamValues(totals));
}

export function routeCounterFields(totals: RouteTotals): CounterFields {
  return counterFields('route', routeValues(totals));
}
