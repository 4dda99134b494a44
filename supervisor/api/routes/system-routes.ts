import os from 'node:os';
import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../api-context.js';
import { findProxy } from '../proxy-lookup.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { OverviewSchema, ProxyStatsSchema, StatsSchema, SystemSchema } from '../schemas/system-schemas.js';
import { PROJECT, VERSION } from '../../version.js';
import { overviewProxy, proxyStatsView, totalsOf } from '../views/stats-view.js';
import { bandwidthView } from '../views/bandwidth-view.js';
import type { NamedController } from '../../metrics/metrics-collector.js';
import type { KeyEntry } from '../auth.js';
import { workerMemory } from '../../workers/worker-memory.js';

function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}…${key.slice(-4)}` : '****';
}

/** The supervisor itself and the numbers across proxies: system, overview, stats, keys. */
export function systemRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  const uptimeSeconds = (): number => Math.floor((Date.now() - ctx.startedAt.getTime()) / 1000);

  routes.add({
    method: 'get',
    path: '/api/system',
    scope: 'proxies:read',
    tag: 'system',
    summary: 'Version, uptime, time zone, runtime, memory, worker processes, enabled features and the cluster link',
    responses: { 200: { description: 'The supervisor.', schema: SystemSchema } },
    handler: async (_req, res) => {
      const global = ctx.global();
      const memory = process.memoryUsage();
      const controllers = ctx.fleet.list();
      const rss = await Promise.all(controllers.map((c) => workerMemory(c.runningWorker?.pid)));
      res.json({
        project: PROJECT,
        version: VERSION,
        pid: process.pid,
        uptime_seconds: uptimeSeconds(),
        started_at: ctx.startedAt.toISOString(),
        timezone: global.timezone,
        node_version: process.version,
        platform: process.platform,
        arch: process.arch,
        num_cpu: os.availableParallelism(),
        memory: { rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed, heap_total_bytes: memory.heapTotal },
        proxies_running: controllers.filter((c) => c.state === 'running').length,
        workers: controllers.map((c, i) => ({ proxy: c.displayName, pid: c.runningWorker?.pid ?? null, state: c.state, restarts: c.restarts, rss_bytes: rss[i] ?? null })),
        features: {
          api_tls: global.api.tls.enabled,
          cors: global.api.corsOrigins.length > 0,
          metrics: global.metrics.enabled,
          iptables: global.iptables.enabled,
          global_acl: global.acl.enabled,
          cluster: global.cluster.enabled,
        },
        cluster: ctx.cluster(),
      });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/overview',
    scope: 'proxies:read',
    tag: 'system',
    summary: 'Totals and one line per proxy, for a dashboard\'s front page',
    responses: { 200: { description: 'Live counters (since the supervisor started).', schema: OverviewSchema } },
    handler: (_req, res) => {
      const controllers = ctx.fleet.list();
      res.json({ version: VERSION, uptime_seconds: uptimeSeconds(), totals: totalsOf(controllers, ctx.l7.banList.size), proxies: controllers.map(overviewProxy) });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/stats',
    scope: 'proxies:read',
    tag: 'system',
    summary: 'Totals across every proxy',
    responses: { 200: { description: 'Totals.', schema: StatsSchema } },
    handler: (_req, res) => {
      res.json(totalsOf(ctx.fleet.list(), ctx.l7.banList.size));
    },
  });

  routes.add({
    method: 'get',
    path: '/api/stats/proxy/:name',
    scope: 'proxies:read',
    tag: 'system',
    summary: 'One proxy\'s counters and upstreams',
    params: { name: { description: 'Proxy name.', schema: ProxyName } },
    responses: { 200: { description: 'Counters.', schema: ProxyStatsSchema }, 404: { description: 'No such proxy.', schema: ErrorBody } },
    handler: (req, res) => {
      const controller = findProxy(ctx, param(req, 'name')) as NamedController;
      const bansIssued = ctx.l7.bans().filter((ban) => ban.source === controller.name).length;
      res.json({ ...proxyStatsView(controller, bansIssued), bandwidth: bandwidthView(ctx.bandwidth.usage(controller), ctx.bandwidth.retained(controller.name)) });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/whoami',
    scope: 'key',
    tag: 'system',
    summary: 'The label and permissions of the key sent with this request',
    description: 'For clients (the dashboard) that show or hide what a key may do.',
    responses: {
      200: { description: 'The key.', schema: Type.Object({ label: Type.String(), permissions: Type.Array(Type.String()) }, { additionalProperties: false }) },
    },
    handler: (_req, res) => {
      const entry = res.locals.apiKey as KeyEntry;
      res.json({ label: entry.label, permissions: [...entry.permissions] });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/keys',
    scope: '*',
    tag: 'system',
    summary: 'The configured API keys, masked',
    responses: {
      200: {
        description: 'Keys show only their first and last 4 characters.',
        schema: Type.Array(Type.Object({ label: Type.String(), masked_key: Type.String(), permissions: Type.Array(Type.String()) }, { additionalProperties: false })),
      },
    },
    handler: (_req, res) => {
      res.json(ctx.global().api.apiKeys.map((k) => ({ label: k.label, masked_key: maskKey(k.key), permissions: k.permissions })));
    },
  });
}
