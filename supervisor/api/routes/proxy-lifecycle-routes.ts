import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { findProxy } from '../proxy-lookup.js';
import { problems } from '../proxy-body.js';
import type { ProxyFileService } from '../proxy-file-service.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { ProxySummary, ReloadReport } from '../schemas/proxy-schemas.js';
import { APPLY_OUTCOMES } from '../../workers/proxy-state.js';
import { proxyView } from '../views/proxy-view.js';
import type { ReconcileReport } from '../../workers/proxy-fleet.js';

/** What a reload did to one proxy (a file found invalid answers `invalid`). */
const RELOAD_OUTCOMES = [...APPLY_OUTCOMES, 'stopped'] as const;

const NAME = { name: { description: 'Proxy name.', schema: ProxyName } };
const NOT_FOUND = { description: 'No such proxy.', schema: ErrorBody };
const SETTLE_MS = 10_000;

function statusReply(status: string) {
  return Type.Object({ status: Type.Literal(status), name: Type.String(), proxy: ProxySummary }, { additionalProperties: false });
}

function reloadReply(report: ReconcileReport) {
  return {
    status: 'reloaded' as const,
    started: report.started,
    reconfigured: report.reconfigured,
    restarted: report.restarted,
    stopped: report.stopped,
    unchanged: report.unchanged,
    failed: report.invalid.map((i) => ({ file: i.file, errors: problems(i.issues) })),
  };
}

/** Enable, disable, reload and restart single proxies; rescan the whole folder. */
export function proxyLifecycleRoutes(routes: RouteRegistry, ctx: ApiContext, files: ProxyFileService): void {
  for (const enabled of [true, false]) {
    const action = enabled ? 'enable' : 'disable';
    routes.add({
      method: 'post',
      path: `/api/proxies/:name/${action}`,
      scope: '*',
      tag: 'proxies',
      summary: enabled ? 'Sets `enabled: true` in the proxy\'s file and starts it' : 'Sets `enabled: false` in the proxy\'s file and stops it at once',
      params: NAME,
      responses: {
        200: { description: 'Done; the file keeps its comments.', schema: statusReply(enabled ? 'enabled' : 'disabled') },
        404: NOT_FOUND,
        409: { description: 'Enabling would collide with another proxy\'s listeners.', schema: ErrorBody },
      },
      handler: async (req, res) => {
        const controller = await files.setEnabled(param(req, 'name'), enabled);
        res.json({ status: enabled ? 'enabled' : 'disabled', name: controller.displayName, proxy: proxyView(controller) });
      },
    });
  }

  routes.add({
    method: 'post',
    path: '/api/proxies/:name/reload',
    scope: '*',
    tag: 'proxies',
    summary: 'Re-reads the proxy\'s file and applies it if it changed (in place when the listeners are unchanged)',
    params: NAME,
    responses: {
      200: {
        description: 'What happened to this proxy.',
        schema: Type.Object(
          {
            status: Type.Union([...RELOAD_OUTCOMES, 'invalid' as const].map((s) => Type.Literal(s))),
            name: Type.String(),
            errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: false })),
            proxy: ProxySummary,
          },
          { additionalProperties: false },
        ),
      },
      404: NOT_FOUND,
    },
    handler: async (req, res) => {
      const name = param(req, 'name');
      const controller = findProxy(ctx, name);
      const report = await ctx.reload();
      const invalid = report.invalid.find((i) => i.file === controller.file);
      const status = invalid ? 'invalid' : (RELOAD_OUTCOMES.find((o) => report[o].includes(name)) ?? 'unchanged');
      await controller.settled(SETTLE_MS);
      res.json({ status, name, errors: problems(invalid?.issues ?? []), proxy: proxyView(controller) });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/proxies/:name/restart',
    scope: '*',
    tag: 'proxies',
    summary: 'Restarts this proxy\'s worker: the old one drains, a new one starts; other proxies are untouched',
    params: NAME,
    responses: {
      200: { description: 'Restarted.', schema: statusReply('restarted') },
      404: NOT_FOUND,
      409: { description: 'The proxy is disabled or its file is invalid.', schema: ErrorBody },
    },
    handler: async (req, res) => {
      const controller = findProxy(ctx, param(req, 'name'));
      if (controller.config === null || !controller.config.enabled) {
        throw new ApiError('ERR_PROXY_NOT_RUNNABLE', `proxy "${controller.displayName}" is ${controller.state}; enable it first`);
      }
      await controller.restart();
      await controller.settled(SETTLE_MS);
      ctx.logger.info('proxy restarted through the api', { proxy: controller.displayName });
      res.json({ status: 'restarted', name: controller.displayName, proxy: proxyView(controller) });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/reload',
    scope: '*',
    tag: 'system',
    summary: 'Rescans the proxies folder; only changed proxies are touched',
    responses: { 200: { description: 'What changed.', schema: ReloadReport } },
    handler: async (_req, res) => {
      res.json(reloadReply(await ctx.reload()));
    },
  });
}
