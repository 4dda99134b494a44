import { Counter, Gauge, Registry } from 'prom-client';
import { METRIC_FAMILIES } from './metric-families.js';
import { labelNamesOf, samplesOf, type MetricsModel } from './metrics-model.js';

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The Prometheus text exposition format (0.0.4), written by prom-client from a private registry
 * built for this one reading: HELP and TYPE once per family, families in the order of
 * `METRIC_FAMILIES`, label values escaped. Totals across proxies are not exported (that is what
 * `sum()` is for); a single proxy's model leaves out the supervisor families.
 */
export async function renderPrometheus(model: MetricsModel): Promise<string> {
  const registry = new Registry();
  for (const family of METRIC_FAMILIES) {
    if (family.scope === 'supervisor' && model.supervisor === null) continue;
    const options = { name: family.name, help: family.help, labelNames: labelNamesOf(family), registers: [registry] };
    const samples = samplesOf(model, family);
    if (family.type === 'counter') {
      const counter = new Counter(options);
      for (const { labels, value } of samples) counter.inc(labels, value);
    } else {
      const gauge = new Gauge(options);
      for (const { labels, value } of samples) gauge.set(labels, value);
    }
  }
  return registry.metrics();
}
