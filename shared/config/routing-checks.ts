// Checks on routing, routes, status_cache, offline_status and a2s_cache that the schema cannot
// express: what each needs from the rest of the file, hosts served twice, route pools.
import type { CheckContext } from './check-context.js';
import { parseDuration } from './duration.js';
import { requirePositiveDuration } from './duration-checks.js';
import { faviconPath, readFavicon } from './favicon.js';
import { blockOf, type Filled } from './filled.js';
import { isUnspecifiedIp, parseIpList } from './ip-list.js';
import { must } from './parsed.js';
import { parsePortSpec } from './port-spec.js';
import type { GlobalDefaults } from './resolved-types.js';
import { routeName } from './resolve-routing.js';
import { normalizeHostName } from './route-host.js';
import { DEFAULT_ROUTE, OfflineStatusSchema } from './schema-routing.js';
import type { ProxyFile } from './schema-proxy.js';
import { checkUpstreamWeights } from './upstream-weights.js';

type Proxy = Filled<ProxyFile>;
type Route = Proxy['routes'][number];

export function checkRouting(proxy: Proxy, defaults: GlobalDefaults, ctx: CheckContext): void {
  const by = routingKey(proxy, ctx);
  if (ctx.clean('routes')) {
    if (proxy.routes.length > 0 && by === 'none') ctx.error('routes', 'are only used with routing.by minecraft-host or tls-sni, and routing.by is none');
    if (proxy.routes.length > 0 && ctx.clean('one-to-one') && proxy['one-to-one']) ctx.error('one-to-one', 'cannot be combined with routes: each route has its own dest ports');
    checkHostsServedOnce(proxy.routes, ctx);
    checkRouteNames(proxy.routes, ctx);
    proxy.routes.forEach((route, index) => checkRoute(route, `routes[${index}]`, proxy, defaults, ctx));
  }
  if (by !== 'none' && ctx.clean('protocol') && proxy.protocol === 'udp') {
    ctx.error('routing.by', `reads the first bytes of TCP connections, and this proxy is udp only`);
  }
  if (by !== undefined && by !== 'none' && ctx.clean('routes', 'routing.unknown') && proxy.routes.length === 0) {
    const outcome = proxy.routing.unknown === 'reject' ? 'every connection with a host name is refused' : 'every connection goes to the top-level dest-ip/dest-port';
    ctx.warn('routes', `none are listed while routing.by is ${by}, so ${outcome}`);
  }
  if (by === 'none' && ctx.clean('routing.unknown') && proxy.routing.unknown === 'reject') {
    ctx.warn('routing.unknown', 'reject is only used when routing.by is minecraft-host or tls-sni');
  }
  requirePositiveDuration(ctx, 'routing.handshake_timeout', proxy.routing.handshake_timeout);
  checkAnswers(proxy, by, ctx);
}

/** routing.by, with tls.sni_routing as the original RouteX's spelling of tls-sni. */
function routingKey(proxy: Proxy, ctx: CheckContext): Proxy['routing']['by'] | undefined {
  if (!ctx.clean('routing.by', 'tls.sni_routing')) return undefined;
  if (!proxy.tls.sni_routing) return proxy.routing.by;
  if (proxy.routing.by === 'minecraft-host') {
    ctx.error('tls.sni_routing', 'true asks for routing by TLS SNI, but routing.by is minecraft-host: keep one of them');
  }
  return 'tls-sni';
}

function checkHostsServedOnce(routes: Route[], ctx: CheckContext): void {
  const servedBy = new Map<string, string>();
  routes.forEach((route, r) => {
    route.hosts.forEach((host, h) => {
      const path = `routes[${r}].hosts[${h}]`;
      if (!ctx.clean(path)) return;
      const key = normalizeHostName(host.trim());
      const earlier = servedBy.get(key);
      if (earlier !== undefined) ctx.error(path, `"${host}" is already served by ${earlier}`);
      else servedBy.set(key, `routes[${r}].hosts[${h}]`);
    });
  });
}

function checkRouteNames(routes: Route[], ctx: CheckContext): void {
  const named = new Map<string, number>();
  routes.forEach((route, index) => {
    if (!ctx.clean(`routes[${index}].name`, `routes[${index}].hosts`)) return;
    const name = routeName(route);
    const path = route.name === undefined ? `routes[${index}].hosts[0]` : `routes[${index}].name`;
    const where = route.name === undefined ? ' (a route without a name is named after its first host)' : '';
    if (name === DEFAULT_ROUTE) ctx.error(path, `"${DEFAULT_ROUTE}" names the top-level destination; choose another route name${where}`);
    const first = named.get(name);
    if (first !== undefined) ctx.error(path, `route name "${name}" is already used by routes[${first}]${where}`);
    else named.set(name, index);
  });
}

function checkRoute(route: Route, base: string, proxy: Proxy, defaults: GlobalDefaults, ctx: CheckContext): void {
  const destIps = ctx.clean(`${base}.dest-ip`) ? must(parseIpList(route['dest-ip'])) : undefined;
  const wildcard = destIps?.find(isUnspecifiedIp);
  if (wildcard !== undefined) ctx.error(`${base}.dest-ip`, `"${wildcard}" means "any address" and cannot be an upstream: write the upstream's own IP`);
  const balancing = blockOf(route.load_balancing);
  if (destIps !== undefined && ctx.clean(`${base}.dest-port`, `${base}.load_balancing.upstream_weights`)) {
    checkUpstreamWeights(balancing.upstream_weights ?? {}, destIps, must(parsePortSpec(route['dest-port'])), ctx, `${base}.load_balancing.upstream_weights`);
  }
  if (ctx.clean(`${base}.load_balancing.sticky_sessions`) && balancing.sticky_sessions === true) {
    requirePositiveDuration(ctx, `${base}.load_balancing.sticky_ttl`, balancing.sticky_ttl, ' when sticky_sessions is true');
  }
  checkRouteHealth(blockOf(balancing.health_check), blockOf(blockOf(proxy.load_balancing).health_check), `${base}.load_balancing.health_check`, defaults, ctx);
}

/** The interval and timeout a route's probes really use (own, else the proxy's, else global) must leave room for a probe. */
function checkRouteHealth(own: Partial<Proxy['load_balancing']['health_check']>, proxy: typeof own, base: string, defaults: GlobalDefaults, ctx: CheckContext): void {
  requirePositiveDuration(ctx, `${base}.interval`, own.interval);
  requirePositiveDuration(ctx, `${base}.timeout`, own.timeout);
  if (!ctx.clean(`${base}.interval`, `${base}.timeout`, 'load_balancing.health_check')) return;
  const effective = (value: string | number | undefined, fallback: number): number => (value === undefined ? fallback : must(parseDuration(value)));
  const intervalMs = effective(own.interval ?? proxy.interval, defaults.healthCheckIntervalMs);
  const timeoutMs = effective(own.timeout ?? proxy.timeout, defaults.healthCheckTimeoutMs);
  if (intervalMs === 0 || timeoutMs === 0 || timeoutMs < intervalMs) return;
  const path = own.timeout !== undefined ? `${base}.timeout` : `${base}.interval`;
  ctx.error(path, `the route's health check timeout (${timeoutMs} ms) must be less than its interval (${intervalMs} ms); absent fields come from the proxy's load_balancing.health_check, then global defaults`);
}

function checkAnswers(proxy: Proxy, by: Proxy['routing']['by'] | undefined, ctx: CheckContext): void {
  const on = (block: 'status_cache' | 'offline_status' | 'a2s_cache'): boolean => ctx.clean(`${block}.enabled`) && proxy[block].enabled === true;
  const tcpOnly = ctx.clean('protocol') && proxy.protocol === 'tcp';
  for (const block of ['status_cache', 'offline_status'] as const) {
    if (on(block) && by === 'tls-sni' && tcpOnly) ctx.error(`${block}.enabled`, 'answers Minecraft pings, but this proxy routes TLS (routing.by is tls-sni) and has no UDP listener for Bedrock');
  }
  if (on('status_cache')) requirePositiveDuration(ctx, 'status_cache.ttl', proxy.status_cache.ttl, ' when status_cache is enabled');
  if (on('a2s_cache')) {
    requirePositiveDuration(ctx, 'a2s_cache.ttl', proxy.a2s_cache.ttl, ' when a2s_cache is enabled');
    if (tcpOnly) ctx.error('a2s_cache.enabled', 'answers Source queries, which arrive over UDP, and this proxy is tcp only');
  }
  if (on('offline_status') && ctx.clean('offline_status.favicon') && proxy.offline_status.favicon !== '') {
    const file = ctx.value('offline_status.favicon', faviconPath(proxy.offline_status.favicon, ctx.file));
    if (file !== undefined) ctx.value('offline_status.favicon', readFavicon(file));
  }
  if (!on('offline_status') && ctx.clean('offline_status') && offlineStatusWritten(proxy)) {
    ctx.warn('offline_status.enabled', 'is false, so the offline status below is never shown');
  }
}

/** Any offline_status field set to something other than its default. */
function offlineStatusWritten(proxy: Proxy): boolean {
  const written = proxy.offline_status as Record<string, unknown>;
  return Object.entries(OfflineStatusSchema.properties).some(([key, field]) => key !== 'enabled' && written[key] !== (field as { default?: unknown }).default);
}
