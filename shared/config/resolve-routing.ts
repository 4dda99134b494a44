// routing, routes, status_cache, offline_status and a2s_cache, checked, into their resolved form.
import { parseDuration } from './duration.js';
import { faviconPath, readFavicon } from './favicon.js';
import type { Filled } from './filled.js';
import { parseIpList } from './ip-list.js';
import { must } from './parsed.js';
import { parsePortSpec } from './port-spec.js';
import { normalizeHostName } from './route-host.js';
import type { A2sCacheConfig, OfflineStatusConfig, RouteConfig, RoutingConfig, StatusCacheConfig } from './resolved-routing-types.js';
import type { GlobalConfig, HealthCheckConfig } from './resolved-types.js';
import type { ProxyFile } from './schema-proxy.js';
import { buildUpstreams } from './targets.js';
import { weightTable } from './upstream-weights.js';

type Proxy = Filled<ProxyFile>;
type Route = Proxy['routes'][number];
type HealthFields = Partial<Proxy['load_balancing']['health_check']>;

const ms = (value: string | number): number => must(parseDuration(value));

export function resolveRouting(proxy: Proxy, global: GlobalConfig): RoutingConfig {
  const by = proxy.tls.sni_routing && proxy.routing.by === 'none' ? 'tls-sni' : proxy.routing.by;
  return {
    by,
    rejectUnknown: proxy.routing.unknown === 'reject',
    handshakeTimeoutMs: ms(proxy.routing.handshake_timeout),
    rejectMotd: proxy.routing.reject_motd,
    rejectMessage: proxy.routing.reject_message,
    routes: proxy.routes.map((route) => resolveRoute(route, proxy.load_balancing.health_check, global)),
  };
}

/** A route's name: its own, else its first host as matched. */
export function routeName(route: { name?: string; hosts: string[] }): string {
  return route.name ?? normalizeHostName(route.hosts[0] ?? '');
}

function resolveRoute(route: Route, proxyHealth: HealthFields, global: GlobalConfig): RouteConfig {
  const balancing = route.load_balancing;
  const upstreams = buildUpstreams(must(parseIpList(route['dest-ip'])), must(parsePortSpec(route['dest-port'])), weightTable(balancing.upstream_weights));
  return {
    name: routeName(route),
    hosts: route.hosts.map((host) => normalizeHostName(host.trim())),
    upstreams,
    balancing: { algorithm: balancing.algorithm, stickySessions: balancing.sticky_sessions, stickyTtlMs: ms(balancing.sticky_ttl) },
    health: inheritedHealth(balancing.health_check, proxyHealth, global),
  };
}

/** Each field: the route's own, else the proxy's, else the global default. */
function inheritedHealth(own: HealthFields, proxy: HealthFields, global: GlobalConfig): HealthCheckConfig {
  const d = global.defaults;
  const interval = own.interval ?? proxy.interval;
  const timeout = own.timeout ?? proxy.timeout;
  return {
    intervalMs: interval === undefined ? d.healthCheckIntervalMs : ms(interval),
    timeoutMs: timeout === undefined ? d.healthCheckTimeoutMs : ms(timeout),
    failuresBeforeEject: own.failures_before_eject ?? proxy.failures_before_eject ?? d.healthCheckFailuresBeforeEject,
    passesBeforeReadmit: own.passes_before_readmit ?? proxy.passes_before_readmit ?? d.healthCheckPassesBeforeReadmit,
  };
}

export function resolveStatusCache(cache: Proxy['status_cache']): StatusCacheConfig {
  return { enabled: cache.enabled, ttlMs: ms(cache.ttl), maxEntries: cache.max_entries };
}

export function resolveOfflineStatus(offline: Proxy['offline_status'], proxyFile: string): OfflineStatusConfig {
  const version = (offline as Partial<Proxy['offline_status']>).version_protocol;
  return {
    enabled: offline.enabled,
    motd: offline.motd,
    versionName: offline.version_name,
    versionProtocol: version ?? null,
    maxPlayers: offline.max_players,
    favicon: offline.enabled && offline.favicon !== '' ? faviconOrNull(offline.favicon, proxyFile) : null,
    disconnectMessage: offline.disconnect_message,
  };
}

/** The checks read the file already; should it change in between, the status goes without an icon. */
function faviconOrNull(favicon: string, proxyFile: string): string | null {
  const file = faviconPath(favicon, proxyFile);
  const read = file.ok ? readFavicon(file.value) : file;
  return read.ok ? read.value : null;
}

export function resolveA2sCache(cache: Proxy['a2s_cache']): A2sCacheConfig {
  return { enabled: cache.enabled, ttlMs: ms(cache.ttl), players: cache.players, rules: cache.rules };
}
