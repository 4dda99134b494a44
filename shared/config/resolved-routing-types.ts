// The resolved form of routing, routes, status_cache, offline_status and a2s_cache (see
// schema-routing.ts). Part of `ProxyConfig`.
import type { BalancingConfig, HealthCheckConfig, UpstreamSpec } from './resolved-types.js';
import type { ROUTING_KEYS } from './schema-routing.js';

export type RoutingKey = (typeof ROUTING_KEYS)[number];

/** One route: the hosts it serves and its own pool. */
export interface RouteConfig {
  name: string;
  /** Lowercase without a trailing dot; `*.example.net` is a wildcard for any name below it. */
  hosts: string[];
  /** Every dest IP × dest port of the route, IP-major, with its weight. */
  upstreams: UpstreamSpec[];
  balancing: BalancingConfig;
  health: HealthCheckConfig;
}

export interface RoutingConfig {
  by: RoutingKey;
  /** A host no route lists is refused instead of going to the default route. */
  rejectUnknown: boolean;
  /** Longest wait for the handshake / ClientHello the routing and answers read. */
  handshakeTimeoutMs: number;
  rejectMotd: string;
  rejectMessage: string;
  routes: RouteConfig[];
}

export interface StatusCacheConfig {
  enabled: boolean;
  ttlMs: number;
  /** Most cached statuses per route. */
  maxEntries: number;
}

export interface OfflineStatusConfig {
  enabled: boolean;
  motd: string;
  versionName: string;
  /** null = the client's own protocol number. */
  versionProtocol: number | null;
  maxPlayers: number;
  /** `data:image/png;base64,...`, read from the favicon file when the config was loaded; null = none. */
  favicon: string | null;
  disconnectMessage: string;
}

export interface A2sCacheConfig {
  enabled: boolean;
  ttlMs: number;
  players: boolean;
  rules: boolean;
}
