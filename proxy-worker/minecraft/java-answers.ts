import type { OfflineStatusConfig, RoutingConfig, StatusCacheConfig } from '../../shared/config/resolved-routing-types.js';
import { SingleFlightCache, type Now } from '../cache/single-flight-cache.js';
import { statusJson } from './status-json.js';
import type { StatusSource } from './status-responder.js';

/** The fields of a Minecraft Java handshake the answers depend on. */
export interface JavaHandshake {
  protocolVersion: number;
  serverAddress: string;
  serverPort: number;
  /** 1 = status (server-list ping), 2 = login, 3 = transfer (a login too). */
  nextState: number;
}

export const STATUS_INTENT = 1;

export type JavaAnswer =
  /** Dial a backend of the route and relay, as for any connection. */
  | { kind: 'forward' }
  | { kind: 'status'; status: StatusSource }
  | { kind: 'disconnect'; message: string };

/** An answer the proxy gives itself. */
export type LocalJavaAnswer = Exclude<JavaAnswer, { kind: 'forward' }>;

/** Fetches a status from a healthy backend of the route; null when none answers. */
export type StatusFetch = () => Promise<string | null>;

export interface JavaAnswerConfig {
  routing: RoutingConfig;
  statusCache: StatusCacheConfig;
  offlineStatus: OfflineStatusConfig;
}

const FORWARD: JavaAnswer = { kind: 'forward' };

/**
 * What the proxy says to a Minecraft Java connection itself, once its handshake is read: server-
 * list pings from the per-route status cache, the offline status and disconnect when a route has
 * no healthy backend (or the dial failed), and the reject answers for unknown hosts. Logins are
 * only ever answered when they cannot reach a backend.
 */
export class JavaAnswers {
  /** One cache per route (and listener group), each keyed by protocol version. */
  private readonly caches = new Map<string, SingleFlightCache<number, string>>();

  constructor(
    private readonly config: JavaAnswerConfig,
    private readonly now: Now = Date.now,
  ) {}

  /**
   * `cacheKey` names the route; `healthy` = the route has an upstream to pick; `fetch` is called
   * only when the cache needs the status.
   */
  decide(handshake: JavaHandshake, cacheKey: string, healthy: boolean, fetch: StatusFetch): JavaAnswer {
    if (!healthy) return this.offline(handshake) ?? FORWARD;
    if (handshake.nextState === STATUS_INTENT && this.config.statusCache.enabled) return { kind: 'status', status: this.cachedStatus(cacheKey, handshake, fetch) };
    return FORWARD;
  }

  /** The answer when the dial to the chosen backend failed, or null: close the client. */
  offline(handshake: JavaHandshake): LocalJavaAnswer | null {
    const offline = this.config.offlineStatus;
    if (!offline.enabled) return null;
    if (handshake.nextState === STATUS_INTENT) return { kind: 'status', status: this.offlineJson(handshake) };
    return { kind: 'disconnect', message: offline.disconnectMessage };
  }

  /** Forgets the cached statuses of every cache key starting with `prefix` (a backend changed health). */
  clear(prefix: string): void {
    for (const [key, cache] of this.caches) if (key.startsWith(prefix)) cache.clear();
  }

  private cachedStatus(cacheKey: string, handshake: JavaHandshake, fetch: StatusFetch): StatusSource {
    let cache = this.caches.get(cacheKey);
    if (cache === undefined) {
      cache = new SingleFlightCache(this.config.statusCache.ttlMs, this.config.statusCache.maxEntries, this.now);
      this.caches.set(cacheKey, cache);
    }
    const outcome = cache.get(handshake.protocolVersion, fetch);
    if (typeof outcome === 'string') return outcome;
    if (outcome === null) return this.offlineJsonOrNull(handshake);
    return outcome.then((json) => json ?? this.offlineJsonOrNull(handshake));
  }

  private offlineJsonOrNull(handshake: JavaHandshake): string | null {
    return this.config.offlineStatus.enabled ? this.offlineJson(handshake) : null;
  }

  private offlineJson(handshake: JavaHandshake): string {
    const offline = this.config.offlineStatus;
    return statusJson({
      motd: offline.motd,
      versionName: offline.versionName,
      protocol: offline.versionProtocol ?? handshake.protocolVersion,
      maxPlayers: offline.maxPlayers,
      onlinePlayers: 0,
      favicon: offline.favicon,
    });
  }

  /** The answer to a host no route lists when routing.unknown is reject. */
  unknownHost(handshake: JavaHandshake): LocalJavaAnswer {
    const routing = this.config.routing;
    if (handshake.nextState !== STATUS_INTENT) return { kind: 'disconnect', message: routing.rejectMessage };
    const json = statusJson({ motd: routing.rejectMotd, versionName: 'RouteX', protocol: handshake.protocolVersion, maxPlayers: 0, onlinePlayers: 0, favicon: null });
    return { kind: 'status', status: json };
  }
}
