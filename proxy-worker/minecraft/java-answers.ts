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
  | { kind: 'disconnect'; message: string }
  | { kind: 'close' };

/** Fetches a status from a healthy backend of `route`; null when none answers. */
export type StatusFetch = (route: string, handshake: JavaHandshake) => Promise<string | null>;

export interface JavaAnswerConfig {
  routing: RoutingConfig;
  statusCache: StatusCacheConfig;
  offlineStatus: OfflineStatusConfig;
}

const FORWARD: JavaAnswer = { kind: 'forward' };
const CLOSE: JavaAnswer = { kind: 'close' };

/**
 * What the proxy says to a Minecraft Java connection itself, once its handshake is read: server-
 * list pings from the per-route status cache, the offline status and disconnect when a route has
 * no healthy backend (or the dial failed), and the reject answers for unknown hosts. Logins are
 * only ever answered when they cannot reach a backend.
 */
export class JavaAnswers {
  private readonly caches = new Map<string, SingleFlightCache<number, string>>();

  constructor(
    private readonly config: JavaAnswerConfig,
    private readonly fetch: StatusFetch,
    private readonly now: Now = Date.now,
  ) {}

  /** `route` is null for an unknown host the routing rejects; `healthy` = the route has a healthy upstream. */
  decide(handshake: JavaHandshake, route: string | null, healthy: boolean): JavaAnswer {
    const status = handshake.nextState === STATUS_INTENT;
    if (route === null) return this.rejected(handshake, status);
    if (!healthy) return this.offline(handshake, status);
    if (status && this.config.statusCache.enabled) return { kind: 'status', status: this.cachedStatus(route, handshake) };
    return FORWARD;
  }

  /** The answer when the dial to the chosen backend failed. */
  afterDialFailure(handshake: JavaHandshake): JavaAnswer {
    return this.offline(handshake, handshake.nextState === STATUS_INTENT);
  }

  /** True when a failed dial has something to say (the caller then keeps the client's socket). */
  get answersDialFailures(): boolean {
    return this.config.offlineStatus.enabled;
  }

  /** Forgets the cached statuses of `route` (one of its backends changed health). */
  clearRoute(route: string): void {
    this.caches.get(route)?.clear();
  }

  private cachedStatus(route: string, handshake: JavaHandshake): StatusSource {
    let cache = this.caches.get(route);
    if (cache === undefined) {
      cache = new SingleFlightCache(this.config.statusCache.ttlMs, this.config.statusCache.maxEntries, this.now);
      this.caches.set(route, cache);
    }
    const outcome = cache.get(handshake.protocolVersion, () => this.fetch(route, handshake));
    if (typeof outcome === 'string') return outcome;
    if (outcome === null) return this.offlineJson(handshake);
    return outcome.then((json) => json ?? this.offlineJson(handshake));
  }

  private offline(handshake: JavaHandshake, status: boolean): JavaAnswer {
    const offline = this.config.offlineStatus;
    if (!offline.enabled) return CLOSE;
    if (status) return { kind: 'status', status: this.offlineJson(handshake) };
    return { kind: 'disconnect', message: offline.disconnectMessage };
  }

  private offlineJson(handshake: JavaHandshake): string | null {
    const offline = this.config.offlineStatus;
    if (!offline.enabled) return null;
    return statusJson({
      motd: offline.motd,
      versionName: offline.versionName,
      protocol: offline.versionProtocol ?? handshake.protocolVersion,
      maxPlayers: offline.maxPlayers,
      onlinePlayers: 0,
      favicon: offline.favicon,
    });
  }

  private rejected(handshake: JavaHandshake, status: boolean): JavaAnswer {
    const routing = this.config.routing;
    if (!status) return { kind: 'disconnect', message: routing.rejectMessage };
    const json = statusJson({ motd: routing.rejectMotd, versionName: 'RouteX', protocol: handshake.protocolVersion, maxPlayers: 0, onlinePlayers: 0, favicon: null });
    return { kind: 'status', status: json };
  }
}
