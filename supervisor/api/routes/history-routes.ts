import { Type } from '@sinclair/typebox';
import { historyFieldOf } from '../../../shared/counters/counters.js';
import { HISTORY_VALUES, type HistoryPoint } from '../../store/metrics-store.js';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { findProxy } from '../proxy-lookup.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { HistoryReply } from '../schemas/metrics-schemas.js';

const MAX_HOURS = 8760;
const MAX_LIMIT = 10_000;
const MAX_STEP_SECONDS = 31 * 86_400;

/** A query number: absent → `fallback`; otherwise it must parse and lie in [min, max]. */
export function queryNumber(value: unknown, name: string, fallback: number | null, min: number, max: number, integer: boolean): number | null {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number < min || number > max || (integer && !Number.isInteger(number))) {
    throw new ApiError('ERR_QUERY_INVALID', `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${String(value)}"`);
  }
  return number;
}

function pointView(p: HistoryPoint) {
  const seconds = p.intervalMs / 1000;
  const rate = (bytes: unknown): number => (seconds > 0 ? Math.round((Number(bytes) / seconds) * 100) / 100 : 0);
  const values: Record<string, unknown> = {};
  for (const { entry, field } of HISTORY_VALUES) values[historyFieldOf(entry)] = p[field];
  return {
    timestamp: new Date(p.tsMs).toISOString(),
    samples: p.samples,
    interval_seconds: seconds,
    ...values,
    bytes_in_per_second: rate(p.bytesIn),
    bytes_out_per_second: rate(p.bytesOut),
  };
}

/** `GET /api/stats/proxy/{name}/history`: the SQLite time series, for graphs. */
export function historyRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  routes.add({
    method: 'get',
    path: '/api/stats/proxy/:name/history',
    scope: 'proxies:read',
    tag: 'system',
    summary: 'A proxy\'s metric history from SQLite: the newest points, oldest first, optionally downsampled',
    params: { name: { description: 'Proxy name.', schema: ProxyName } },
    query: {
      hours: { description: `How far back, in hours (default 24, up to ${MAX_HOURS}).`, schema: Type.Number({ exclusiveMinimum: 0, maximum: MAX_HOURS }) },
      limit: { description: `At most this many points, the newest (default 1000, up to ${MAX_LIMIT}).`, schema: Type.Integer({ minimum: 1, maximum: MAX_LIMIT }) },
      step: { description: 'Downsampling: one point per this many seconds (deltas summed, levels at their peak).', schema: Type.Integer({ minimum: 1, maximum: MAX_STEP_SECONDS }) },
    },
    responses: {
      200: { description: 'Points; empty with metrics_enabled false when metrics.enabled is off.', schema: HistoryReply },
      400: { description: 'A query value out of range.', schema: ErrorBody },
      404: { description: 'No such proxy.', schema: ErrorBody },
    },
    handler: (req, res) => {
      const name = param(req, 'name');
      findProxy(ctx, name);
      const hours = queryNumber(req.query.hours, 'hours', 24, Number.MIN_VALUE, MAX_HOURS, false)!;
      const limit = queryNumber(req.query.limit, 'limit', 1000, 1, MAX_LIMIT, true)!;
      const step = queryNumber(req.query.step, 'step', null, 1, MAX_STEP_SECONDS, true);
      const enabled = ctx.metrics.enabled;
      const points = ctx.metrics.history(name, hours, limit, step).map(pointView);
      res.json({
        proxy: name,
        metrics_enabled: enabled,
        ...(enabled ? {} : { message: 'metrics are disabled (metrics.enabled: false): no history is recorded' }),
        hours,
        limit,
        step_seconds: step,
        count: points.length,
        points,
      });
    },
  });
}
