import type { Request, Response } from 'express';
import type { MetricsFormat } from '../../../shared/config/resolved-types.js';
import { CSV_CONTENT_TYPE, renderCsv } from '../../metrics/csv-format.js';
import { INFLUX_CONTENT_TYPE, renderInflux } from '../../metrics/influx-format.js';
import { renderJson } from '../../metrics/json-format.js';
import type { NamedController } from '../../metrics/metrics-collector.js';
import type { MetricsModel } from '../../metrics/metrics-model.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../../metrics/prometheus-format.js';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { findProxy } from '../proxy-lookup.js';
import { param, type ParameterSpec, type ResponseSpec, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { CsvText, InfluxText, MetricsJson, PrometheusText, ProxyMetricsJson } from '../schemas/metrics-schemas.js';
import { Type } from '@sinclair/typebox';

const FORMATS: readonly MetricsFormat[] = ['json', 'prometheus', 'influx', 'csv'];

/** `?format=`, checked against the formats `metrics.formats` serves. Without one: json, or the first served. */
export function chooseFormat(requested: unknown, served: readonly MetricsFormat[]): MetricsFormat {
  if (requested === undefined || requested === '') {
    const fallback = served.includes('json') ? 'json' : served[0];
    if (fallback === undefined) throw new ApiError('ERR_METRICS_FORMAT_NOT_SERVED', 'metrics.formats serves no format', { allowed: [] });
    return fallback;
  }
  const format = typeof requested === 'string' ? requested.toLowerCase() : '';
  if (!FORMATS.includes(format as MetricsFormat)) {
    throw new ApiError('ERR_METRICS_FORMAT_UNKNOWN', `unknown format "${String(requested)}": use one of ${FORMATS.join(', ')}`);
  }
  if (!served.includes(format as MetricsFormat)) {
    throw new ApiError('ERR_METRICS_FORMAT_NOT_SERVED', `format "${format}" is not served here (metrics.formats: ${served.join(', ')})`, { allowed: [...served] });
  }
  return format as MetricsFormat;
}

async function send(res: Response, format: MetricsFormat, model: MetricsModel): Promise<void> {
  switch (format) {
    case 'json':
      res.json(renderJson(model));
      return;
    case 'prometheus':
      res.set('Content-Type', PROMETHEUS_CONTENT_TYPE).send(await renderPrometheus(model));
      return;
    case 'influx':
      res.set('Content-Type', INFLUX_CONTENT_TYPE).send(renderInflux(model));
      return;
    case 'csv':
      res.set('Content-Type', CSV_CONTENT_TYPE).send(renderCsv(model));
      return;
  }
}

const FORMAT_QUERY: Record<string, ParameterSpec> = {
  format: {
    description: 'json (default), prometheus, influx or csv; limited to the formats `metrics.formats` lists.',
    schema: Type.String({ enum: [...FORMATS] }),
  },
};

function replies(json: ResponseSpec['schema'], what: string): Record<number, ResponseSpec> {
  return {
    200: {
      description: `${what} Live counters (since the supervisor started), also with metrics.enabled: false.`,
      schema: json,
      alternatives: { [PROMETHEUS_CONTENT_TYPE]: PrometheusText, [INFLUX_CONTENT_TYPE]: InfluxText, [CSV_CONTENT_TYPE]: CsvText },
    },
    400: { description: 'Unknown format.', schema: ErrorBody },
    406: { description: 'A format `metrics.formats` does not list; `details.allowed` lists those it does.', schema: ErrorBody },
  };
}

/** `/metrics` and `/metrics/proxy/{name}` in four formats, for Prometheus, InfluxDB/Telegraf and spreadsheets. */
export function metricsRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  const format = (req: Request): MetricsFormat => chooseFormat(req.query.format, ctx.metrics.config().formats);

  routes.add({
    method: 'get',
    path: '/metrics',
    scope: 'metrics:read',
    tag: 'metrics',
    summary: 'Every metric: supervisor values, totals, and per-proxy, per-upstream, per-period and per-rule-kind series',
    query: FORMAT_QUERY,
    responses: replies(MetricsJson, 'All proxies.'),
    handler: async (req, res) => {
      const chosen = format(req);
      await ctx.metrics.refreshKernel();
      await send(res, chosen, ctx.metrics.model());
    },
  });

  routes.add({
    method: 'get',
    path: '/metrics/proxy/:name',
    scope: 'metrics:read',
    tag: 'metrics',
    summary: 'One proxy\'s metrics, with its upstreams and bandwidth periods',
    params: { name: { description: 'Proxy name.', schema: ProxyName } },
    query: FORMAT_QUERY,
    responses: { ...replies(ProxyMetricsJson, 'One proxy.'), 404: { description: 'No such proxy.', schema: ErrorBody } },
    handler: async (req, res) => {
      const chosen = format(req);
      const controller = findProxy(ctx, param(req, 'name')) as NamedController;
      await ctx.metrics.refreshKernel();
      await send(res, chosen, ctx.metrics.proxyModel(controller));
    },
  });
}
