import type { ApiContext } from '../api-context.js';
import type { NamedController } from '../../metrics/metrics-collector.js';
import { findProxy } from '../proxy-lookup.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { BandwidthReply, BandwidthResetReply } from '../schemas/bandwidth-schemas.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { bandwidthView } from '../views/bandwidth-view.js';
import { isoInZone } from '../../bandwidth/quota-periods.js';
import { ClusterUnavailableError } from '../../bandwidth/shared-usage.js';
import { ApiError } from '../api-error.js';

const NAME = { name: { description: 'Proxy name.', schema: ProxyName } };
const NOT_FOUND = { description: 'No such proxy.', schema: ErrorBody };

/** A proxy's usage per quota period, and the admin-only reset. */
export function bandwidthRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  const view = (controller: NamedController) => bandwidthView(ctx.bandwidth.usage(controller), ctx.bandwidth.retained(controller.name));

  routes.add({
    method: 'get',
    path: '/api/bandwidth/proxy/:name',
    scope: 'metrics:read',
    tag: 'bandwidth',
    summary: 'Usage per hourly/daily/weekly/monthly period (in the configured time zone), limits and suspension',
    description: 'Usage is tracked for every proxy, with or without limits, and survives restarts and reloads.',
    params: NAME,
    responses: { 200: { description: 'Usage.', schema: BandwidthReply }, 404: NOT_FOUND },
    handler: (req, res) => {
      res.json(view(findProxy(ctx, param(req, 'name')) as NamedController));
    },
  });

  routes.add({
    method: 'post',
    path: '/api/bandwidth/proxy/:name/reset',
    scope: '*',
    tag: 'bandwidth',
    summary: 'Zeroes the current periods\' usage and lifts a bandwidth suspension',
    description:
      'Erases the usage since the earlier of this week\'s Monday 00:00 and this month\'s 1st 00:00 (local time). Needs the admin scope: a read key must not erase data. A proxy with `bandwidth.scope: cluster` is reset for every node.',
    params: NAME,
    responses: {
      200: { description: 'Reset; the usage after it.', schema: BandwidthResetReply },
      404: NOT_FOUND,
      503: { description: '`ERR_CLUSTER_UNAVAILABLE`: a cluster-wide quota, and the cluster\'s Redis is unreachable; nothing was erased.', schema: ErrorBody },
    },
    handler: async (req, res) => {
      const controller = findProxy(ctx, param(req, 'name')) as NamedController;
      let fromMs: number;
      try {
        ({ fromMs } = await ctx.bandwidth.reset(controller, String(res.locals.apiKeyLabel ?? 'api')));
      } catch (error) {
        if (error instanceof ClusterUnavailableError) throw new ApiError(error.code, error.message);
        throw error;
      }
      res.json({ status: 'reset', name: controller.name, erased_from: isoInZone(fromMs, ctx.global().timezone), bandwidth: view(controller) });
    },
  });
}
