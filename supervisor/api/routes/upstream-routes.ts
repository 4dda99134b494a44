import { Type } from '@sinclair/typebox';
import type { UpstreamInfo } from '../../../shared/ipc/protocol.js';
import type { ApiContext } from '../api-context.js';
import { askWorker, findProxy, runningWorker } from '../proxy-lookup.js';
import { formatIpPort } from '../../../shared/ip-port.js';
import type { ProxyController } from '../../workers/proxy-controller.js';
import { parseUpstreamSelector } from '../upstream-selector.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { UpstreamView } from '../schemas/proxy-schemas.js';

export function upstreamView(u: UpstreamInfo) {
  return {
    route: u.route,
    ip: u.ip,
    port: u.port,
    weight: u.weight,
    healthy: u.healthy,
    probe_healthy: u.probeHealthy,
    manual_state: u.manuallyEjected ? ('ejected' as const) : null,
    active_connections: u.activeConnections,
    total_connections: u.totalConnections,
    consecutive_failures: u.consecutiveFailures,
    consecutive_passes: u.consecutivePasses,
    last_probe_at: u.lastProbeAt,
    last_probe_latency_ms: u.lastProbeLatencyMs,
    last_probe_error: u.lastProbeError,
  };
}

/**
 * A kernel-mode proxy's worker sees no connection: the counts come from the kernel (conntrack's
 * open flows per upstream; flows sent to it since the supervisor started).
 */
function withKernelFlows(controller: ProxyController, list: UpstreamInfo[]): UpstreamInfo[] {
  if (controller.config?.dataPath !== 'kernel') return list;
  return list.map((u) => {
    const totals = controller.stats.upstreams.get(formatIpPort(u.ip, u.port));
    return totals === undefined ? u : { ...u, activeConnections: totals.active, totalConnections: totals.opened };
  });
}

const NAME = { description: 'Proxy name.', schema: ProxyName };
const NOT_FOUND = { description: 'No such proxy.', schema: ErrorBody };
const NOT_RUNNING = { description: 'The proxy exists but is not running.', schema: ErrorBody };

/** Upstream health and manual eject/readmit, answered live by the proxy's worker. */
export function upstreamRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  routes.add({
    method: 'get',
    path: '/api/proxies/:name/upstreams',
    scope: 'proxies:read',
    tag: 'upstreams',
    summary: 'Each upstream with its health, manual state, connections and last probe',
    params: { name: NAME },
    responses: { 200: { description: 'In config order.', schema: Type.Array(UpstreamView) }, 404: NOT_FOUND, 409: NOT_RUNNING },
    handler: async (req, res) => {
      const worker = runningWorker(ctx, param(req, 'name'));
      const list = await askWorker(worker, 'upstreams.list', {});
      res.json(withKernelFlows(findProxy(ctx, param(req, 'name')), list).map(upstreamView));
    },
  });

  for (const action of ['eject', 'readmit'] as const) {
    routes.add({
      method: 'post',
      path: `/api/proxies/:name/upstreams/:upstream/${action}`,
      scope: '*',
      tag: 'upstreams',
      summary:
        action === 'eject'
          ? 'Takes upstreams out of rotation until a manual readmit, whatever probes say'
          : 'Lifts a manual eject; the upstream counts as healthy until probes say otherwise',
      params: {
        name: NAME,
        upstream: { description: 'An IP (every upstream with it), or one upstream as ip:port or [ipv6]:port.', schema: Type.String() },
      },
      responses: {
        200: {
          description: 'How many upstreams matched.',
          schema: Type.Object({ status: Type.Literal(action === 'eject' ? 'ejected' : 'readmitted'), targets_affected: Type.Integer() }, { additionalProperties: false }),
        },
        400: { description: 'Not an IP or ip:port.', schema: ErrorBody },
        404: NOT_FOUND,
        409: NOT_RUNNING,
      },
      handler: async (req, res) => {
        const selector = parseUpstreamSelector(param(req, 'upstream'));
        const worker = runningWorker(ctx, param(req, 'name'));
        const { affected } = await askWorker(worker, `upstream.${action}`, selector);
        ctx.logger.info(`upstream ${action} requested`, { proxy: param(req, 'name'), upstream: param(req, 'upstream'), affected, by: res.locals.apiKeyLabel });
        res.json({ status: action === 'eject' ? 'ejected' : 'readmitted', targets_affected: affected });
      },
    });
  }
}
