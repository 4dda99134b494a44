import { Router } from 'express';
import type { UpstreamInfo } from '../../../shared/ipc/protocol.js';
import type { ApiContext } from '../api-context.js';
import { askWorker, runningWorker } from '../proxy-lookup.js';
import { parseUpstreamSelector } from '../upstream-selector.js';

function upstreamView(u: UpstreamInfo) {
  return {
    ip: u.ip,
    port: u.port,
    weight: u.weight,
    healthy: u.healthy,
    probe_healthy: u.probeHealthy,
    manual_state: u.manuallyEjected ? 'ejected' : null,
    active_connections: u.activeConnections,
    total_connections: u.totalConnections,
    consecutive_failures: u.consecutiveFailures,
    consecutive_passes: u.consecutivePasses,
    last_probe_at: u.lastProbeAt,
    last_probe_latency_ms: u.lastProbeLatencyMs,
    last_probe_error: u.lastProbeError,
  };
}

/** Upstream health and manual eject/readmit, answered live by the proxy's worker. */
export function upstreamRoutes(ctx: ApiContext): Router {
  const router = Router();
  const read = ctx.keyring.require('proxies:read');
  const admin = ctx.keyring.require('*');

  router.get('/api/proxies/:name/upstreams', read, async (req, res) => {
    const worker = runningWorker(ctx, String(req.params.name));
    const upstreams = await askWorker(worker.query('upstreams.list', {}));
    res.json(upstreams.map(upstreamView));
  });

  for (const action of ['eject', 'readmit'] as const) {
    router.post(`/api/proxies/:name/upstreams/:upstream/${action}`, admin, async (req, res) => {
      const selector = parseUpstreamSelector(String(req.params.upstream));
      const worker = runningWorker(ctx, String(req.params.name));
      const { affected } = await askWorker(worker.query(`upstream.${action}`, selector));
      ctx.logger.info(`upstream ${action} requested`, { proxy: req.params.name, upstream: req.params.upstream, affected, by: res.locals.apiKeyLabel });
      res.json({ status: action === 'eject' ? 'ejected' : 'readmitted', targets_affected: affected });
    });
  }

  return router;
}
