import { Type } from '@sinclair/typebox';
import { canonicalCidr } from '../../../shared/acl/acl-target.js';
import { parseDuration } from '../../../shared/config/duration.js';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { findProxy } from '../proxy-lookup.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { BanReply, BanView, L7EventView, ProxyL7View, UnbanReply } from '../schemas/l7-schemas.js';
import { banView, l7ConfigView, l7EventView } from '../views/l7-view.js';
import { queryNumber } from './history-routes.js';
import { L7_EVENTS_KEPT } from '../../store/l7-event-store.js';

const TARGET = { description: 'An IP address, or a network in CIDR form with its slash URL-encoded (`10.0.0.0%2F8`).', schema: Type.String() };

/** The canonical form of the path's IP or CIDR, or a 400. */
function banTarget(text: string): string {
  const target = canonicalCidr(text);
  if (target === undefined) throw new ApiError('ERR_BAN_TARGET_INVALID', `"${text}" is not an IP address or a CIDR network`);
  return target;
}

/** `?duration=`: absent means until unbanned; otherwise a positive duration like 30m or 2h. */
function banDuration(value: unknown): number | null {
  if (value === undefined) return null;
  const parsed = parseDuration(String(value));
  if (!parsed.ok || parsed.value <= 0) {
    throw new ApiError('ERR_BAN_DURATION_INVALID', `duration must be a positive duration like 30m, 2h or 90 (seconds), not "${String(value)}"${parsed.ok ? '' : `: ${parsed.error}`}`);
  }
  return parsed.value;
}

function optionalText(value: unknown): string | undefined {
  return value === undefined || value === '' ? undefined : String(value);
}

/** The ban list and the L7 event log (admin), and each proxy's L7 status. */
export function l7Routes(routes: RouteRegistry, ctx: ApiContext): void {
  routes.add({
    method: 'get',
    path: '/api/l7/banned',
    scope: '*',
    tag: 'l7',
    summary: 'Every ban in effect (all proxies share one list), newest first',
    responses: { 200: { description: 'The bans; `[]` when there are none.', schema: Type.Array(BanView) } },
    handler: (_req, res) => {
      const now = Date.now();
      res.json(ctx.l7.bans().map((ban) => banView(ban, now)));
    },
  });

  routes.add({
    method: 'post',
    path: '/api/l7/banned/:ip',
    scope: '*',
    tag: 'l7',
    summary: 'Bans an IP or network in every proxy at once, closing its open connections and UDP sessions',
    params: { ip: TARGET },
    query: {
      duration: { description: 'How long, e.g. `30m`, `2h`, `90` (seconds); leave out for a ban until it is lifted.', schema: Type.String() },
      reason: { description: 'Shown in the ban list (default: `manual ban via API`).', schema: Type.String() },
    },
    responses: { 200: { description: 'Banned (an earlier ban of the same target is replaced).', schema: BanReply }, 400: { description: 'Not an IP/CIDR, or not a positive duration.', schema: ErrorBody } },
    handler: (req, res) => {
      const target = banTarget(param(req, 'ip'));
      const durationMs = banDuration(req.query['duration']);
      const reason = optionalText(req.query['reason']) ?? 'manual ban via API';
      const ban = ctx.l7.banList.add(target, reason, 'api', durationMs);
      ctx.logger.info('ban requested through the api', { target, durationMs, by: res.locals.apiKeyLabel });
      res.json({ status: 'banned', ban: banView(ban) });
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/l7/banned/:ip',
    scope: '*',
    tag: 'l7',
    summary: 'Lifts a ban in every proxy at once',
    params: { ip: TARGET },
    responses: {
      200: { description: 'Unbanned.', schema: UnbanReply },
      400: { description: 'Not an IP/CIDR.', schema: ErrorBody },
      404: { description: 'Not on the ban list.', schema: ErrorBody },
    },
    handler: (req, res) => {
      const text = param(req, 'ip');
      const ban = ctx.l7.banList.remove(banTarget(text));
      if (ban === undefined) throw new ApiError('ERR_BAN_NOT_FOUND', `"${text}" is not banned`);
      ctx.logger.info('unban requested through the api', { target: ban.target, by: res.locals.apiKeyLabel });
      res.json({ status: 'unbanned', ip: text });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/l7/events',
    scope: '*',
    tag: 'l7',
    summary: 'The L7 event log (the last 10,000 events of all proxies), newest first',
    query: {
      limit: { description: `How many, 1–${L7_EVENTS_KEPT} (default 100).`, schema: Type.Integer() },
      proxy: { description: 'Only this proxy\'s events.', schema: Type.String() },
      ip: { description: 'Only events of this client IP.', schema: Type.String() },
    },
    responses: { 200: { description: 'Events; `[]` when none match.', schema: Type.Array(L7EventView) }, 400: { description: 'A bad limit or IP.', schema: ErrorBody } },
    handler: (req, res) => {
      const limit = queryNumber(req.query['limit'], 'limit', 100, 1, L7_EVENTS_KEPT, true)!;
      const ipText = optionalText(req.query['ip']);
      let ip: string | undefined;
      if (ipText !== undefined) {
        const target = canonicalCidr(ipText);
        if (target === undefined || !(target.endsWith('/32') || target.endsWith('/128'))) throw new ApiError('ERR_QUERY_INVALID', `ip must be an IP address, not "${ipText}"`);
        ip = target.slice(0, target.lastIndexOf('/'));
      }
      res.json(ctx.l7.events({ limit, proxy: optionalText(req.query['proxy']), ip }).map(l7EventView));
    },
  });

  routes.add({
    method: 'get',
    path: '/api/proxies/:name/l7',
    scope: 'proxies:read',
    tag: 'l7',
    summary: 'A proxy\'s L7 settings in effect and its L7 counters',
    params: { name: { description: 'Proxy name.', schema: ProxyName } },
    responses: { 200: { description: 'Settings and counters.', schema: ProxyL7View }, 404: { description: 'No such proxy.', schema: ErrorBody } },
    handler: (req, res) => {
      const controller = findProxy(ctx, param(req, 'name'));
      const stats = controller.stats;
      const name = controller.displayName;
      const l7 = controller.config?.l7;
      const last = ctx.l7.events({ limit: 1, proxy: name })[0];
      res.json({
        name,
        enabled: l7?.enabled ?? false,
        config: l7 === undefined ? {} : l7ConfigView(l7),
        blocked_total: stats.value('l7Blocked'),
        blocked: Object.fromEntries(stats.l7Blocked),
        events: Object.fromEntries(stats.l7Events),
        bans_active: ctx.l7.bans().filter((ban) => ban.source === name).length,
        last_event_at: last === undefined ? null : new Date(last.atMs).toISOString(),
      });
    },
  });
}
