import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { UpstreamState } from '../balancer/upstream-state.js';
import { reject, type FirstBytesContext, type FirstBytesStep, type Rejection, type StepDecision } from '../first-bytes/first-bytes-step.js';
import { JavaAnswers, type JavaHandshake } from '../minecraft/java-answers.js';
import { fetchJavaStatus } from '../minecraft/status-fetcher.js';
import { fetchHeader } from '../proxy-protocol/send-headers.js';
import type { ProxyCounters } from '../runtime/proxy-counters.js';
import { minecraftStep } from './minecraft-step.js';
import type { Route, RouteSet } from './route-set.js';
import { sniStep } from './sni-step.js';
import { UdpAnswers } from './udp-answers.js';

/** How long a status fetch may read after its connect (the connect has timeouts.upstream_connect). */
const STATUS_READ_MS = 5000;

/** Where a connection goes: a route, and the balancer group of its pool. */
export interface RoutedTarget {
  readonly route: Route;
  readonly group: number;
  /** Names the route and group in the status cache. */
  readonly cacheKey: string;
  /** What the step returns to send the connection there. */
  readonly choice: StepDecision;
}

export interface RoutingHost {
  readonly routes: RouteSet;
  readonly counters: ProxyCounters;
}

export const ROUTING_REJECTED = 'routing';

/**
 * Everything routing and the proxy's own answers need, for one config: the routes (read from the
 * host, which replaces them on reconfigure), the Java status cache, the UDP answerers, and the
 * first-bytes steps built on them. Rebuilt on every reconfigure (the caches start empty).
 */
export class RoutingContext {
  readonly java: JavaAnswers;
  private readonly udp: UdpAnswers;
  private readonly targets = new Map<string, RoutedTarget>();
  private readonly noHost: Rejection = reject(ROUTING_REJECTED, null, 'no host name to route by, and routing.unknown is reject');
  private readonly unknown: Rejection = reject(ROUTING_REJECTED, null, 'a host name no route lists, and routing.unknown is reject');
  /** The PROXY header a status fetch starts with, when the backends expect one. */
  private readonly greeting: ReturnType<typeof fetchHeader>;

  constructor(
    readonly config: ProxyConfig,
    private readonly host: RoutingHost,
  ) {
    this.java = new JavaAnswers(config);
    this.greeting = fetchHeader(config.proxyProtocol.send);
    this.udp = new UdpAnswers(config, () => host.routes.defaultRoute);
  }

  /** The TCP steps this config needs (none when no feature reads first bytes). */
  tcpSteps(): FirstBytesStep[] {
    const { routing, statusCache, offlineStatus, protocol } = this.config;
    if (protocol === 'udp') return [];
    if (routing.by === 'tls-sni') return [sniStep(this)];
    if (routing.by === 'minecraft-host' || statusCache.enabled || offlineStatus.enabled) return [minecraftStep(this)];
    return [];
  }

  udpSteps(): FirstBytesStep[] {
    return this.config.protocol === 'tcp' ? [] : this.udp.steps();
  }

  /** The route for a host name, or null when it is unknown and unknown hosts are rejected. */
  forHost(name: string, ctx: FirstBytesContext): RoutedTarget | null {
    const route = this.host.routes.forHost(name);
    return route === null ? null : this.target(route, route === this.host.routes.defaultRoute ? ctx.listener.group : 0);
  }

  /** The listener's own destination: the default route, in the listener's group. */
  listenerRoute(ctx: FirstBytesContext): RoutedTarget {
    return this.target(this.host.routes.defaultRoute, ctx.listener.group);
  }

  /** First bytes with no host in them: the default route, or refused when unknown hosts are. */
  unknownHost(ctx: FirstBytesContext): StepDecision {
    return this.config.routing.rejectUnknown ? this.noHost : this.listenerRoute(ctx).choice;
  }

  get unknownHostRejection(): Rejection {
    return this.unknown;
  }

  /** An unknown host answered rather than refused (Minecraft): counted like a refusal. */
  routingRejected(): void {
    this.host.counters.routingRejected++;
  }

  fetchStatus(target: RoutedTarget, handshake: JavaHandshake, clientIp: string): Promise<string | null> {
    const upstream = target.route.pool.pick(target.group, clientIp);
    if (upstream === undefined) return Promise.resolve(null);
    target.route.statusFetches++;
    const timeoutMs = this.config.timeouts.upstreamConnectMs + STATUS_READ_MS;
    return fetchJavaStatus({ ip: upstream.ip, port: upstream.port, ...handshake, timeoutMs, greeting: this.greeting });
  }

  /** A backend of a route changed health: what was cached for that route no longer holds. */
  healthChanged(upstream: UpstreamState): void {
    const route = this.host.routes.routeOf(upstream);
    if (route === undefined) return;
    this.java.clear(`${route.name}\0`);
    if (route === this.host.routes.defaultRoute) this.udp.clear();
  }

  private target(route: Route, group: number): RoutedTarget {
    const cacheKey = `${route.name}\0${group}`;
    const known = this.targets.get(cacheKey);
    if (known !== undefined && known.route === route) return known;
    const choice: StepDecision = route === this.host.routes.defaultRoute ? 'pass' : { kind: 'route', route: route.name };
    const target = { route, group, cacheKey, choice };
    this.targets.set(cacheKey, target);
    return target;
  }
}
