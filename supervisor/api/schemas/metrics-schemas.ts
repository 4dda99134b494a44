import { Type, type TSchema } from '@sinclair/typebox';
import { familiesOf, METRIC_FAMILIES, type MetricScope } from '../../metrics/metric-families.js';
import { historyFieldOf } from '../../../shared/counters/counters.js';
import { HISTORY_VALUES } from '../../store/metrics-store.js';
import { Timestamp } from './common-schemas.js';
import { counterSchema } from './counter-schemas.js';

function valuesOf(scope: MetricScope, only: (total: boolean) => boolean = () => true): Record<string, TSchema> {
  return Object.fromEntries(
    familiesOf(scope)
      .filter((f) => only(f.total === true))
      .map((f) => [f.key, (f.fractional === true ? Type.Number : Type.Integer)({ description: `${f.help} (Prometheus: ${f.name})` })]),
  );
}

const PeriodMetrics = Type.Object(valuesOf('bandwidth'), { additionalProperties: false });
const KindMetrics = Type.Object(valuesOf('iptables'), { additionalProperties: false });
const ReasonMetrics = Type.Object(valuesOf('l7_reason'), { additionalProperties: false });
const EventMetrics = Type.Object(valuesOf('l7_event'), { additionalProperties: false });

const ProxyMetrics = Type.Object(
  {
    proxy: Type.String(),
    ...valuesOf('proxy'),
    upstreams: Type.Array(Type.Object({ upstream: Type.String({ description: 'ip:port' }), ...valuesOf('upstream') }, { additionalProperties: false })),
    routes: Type.Array(Type.Object({ route: Type.String({ description: 'The route name; "default" is the proxy\'s own destination.' }), ...valuesOf('route') }, { additionalProperties: false })),
    bandwidth: Type.Object({ hourly: PeriodMetrics, daily: PeriodMetrics, weekly: PeriodMetrics, monthly: PeriodMetrics }, { additionalProperties: false }),
    iptables: Type.Record(Type.String(), KindMetrics, { description: 'Kernel drops per rule kind (syn_rate, conn_per_ip, …), for the kinds the proxy has or had rules of; {} without iptables.' }),
    l7_reason: Type.Record(Type.String(), ReasonMetrics, { description: 'L7 blocks per reason (invalid_protocol, banned, …), for the reasons that happened; {} before any.' }),
    l7_event: Type.Record(Type.String(), EventMetrics, { description: 'L7 events per type, for the types that happened; {} before any.' }),
  },
  { additionalProperties: false },
);

export const MetricsJson = Type.Object(
  {
    timestamp: Timestamp,
    ...valuesOf('supervisor'),
    ...Object.fromEntries(Object.entries(valuesOf('proxy', (total) => total)).map(([key]) => [key, Type.Integer({ description: 'Sum across proxies.' })])),
    proxies: Type.Array(ProxyMetrics, { description: 'Every proxy with a name, sorted by name.' }),
  },
  { additionalProperties: false },
);

export const ProxyMetricsJson = Type.Object({ timestamp: Timestamp, ...ProxyMetrics.properties }, { additionalProperties: false });

export const PrometheusText = Type.String({
  description: `Prometheus text format 0.0.4. Families: ${METRIC_FAMILIES.map((f) => f.name).join(', ')}.`,
});
export const InfluxText = Type.String({ description: 'InfluxDB line protocol: measurements routex, routex_proxy, routex_upstream, routex_route, routex_bandwidth, routex_iptables, routex_l7_reason, routex_l7_event; integer fields; ns timestamps.' });
export const CsvText = Type.String({ description: 'RFC 4180 CSV with the header metric,scope,proxy,upstream,period,kind,route,value.' });

const Int = Type.Integer;

export const HistoryPoint = Type.Object(
  {
    timestamp: Type.String({ format: 'date-time', description: 'End of the flush interval; with `step`, the start of the step.' }),
    samples: Int({ description: 'Flush samples in this point (1 without `step`).' }),
    interval_seconds: Type.Number({ description: 'Time the deltas below cover.' }),
    ...Object.fromEntries(HISTORY_VALUES.map(({ entry }) => [historyFieldOf(entry), counterSchema(entry, 'history')])),
    bytes_in_per_second: Type.Number(),
    bytes_out_per_second: Type.Number(),
  },
  {
    additionalProperties: false,
    description:
      'Counters are the change during the interval (summed within a step); gauges the level at its end (within a step the peak, the low for upstreams_healthy).',
  },
);

export const HistoryReply = Type.Object(
  {
    proxy: Type.String(),
    metrics_enabled: Type.Boolean({ description: 'false: `metrics.enabled` is off and no history is recorded (points is empty).' }),
    message: Type.Optional(Type.String()),
    hours: Type.Number(),
    limit: Int(),
    step_seconds: Type.Union([Int(), Type.Null()]),
    count: Int(),
    points: Type.Array(HistoryPoint, { description: 'The newest `limit` points within `hours`, oldest first.' }),
  },
  { additionalProperties: false },
);
