import type { HealthCheckConfig, ProxyConfig } from '../../shared/config/resolved-types.js';
import { DEFAULT_ROUTE } from '../../shared/config/schema-routing.js';
import { Pool } from '../balancer/pool.js';
import type { UpstreamState } from '../balancer/upstream-state.js';
import { HostMatcher } from './host-matcher.js';

/** One route as the worker runs it: its pool (upstreams, balancer, live state) and its health checks. */
export class Route {
  /** Connections and UDP sessions sent to one of the route's upstreams (delta since the last report). */
  connections = 0;
  /** Server-list pings, queries and logins the proxy answered itself for this route (delta since the last report). */
  answered = 0;
  /** Status fetches from this route's backends for the caches (delta). */
  statusFetches = 0;

  constructor(
    readonly name: string,
    readonly pool: Pool,
    readonly health: HealthCheckConfig,
  ) {}

  /** Keeps the deltas not reported yet when a reconfigure replaces the route. */
  carryCountsFrom(previous: Route): void {
    this.connections += previous.connections;
    this.answered += previous.answered;
    this.statusFetches += previous.statusFetches;
  }

  /** Open connections to this route's upstreams. */
  get activeConnections(): number {
    let sum = 0;
    for (const upstream of this.pool.upstreams) sum += upstream.active;
    return sum;
  }
}

/**
 * A proxy's routes: the default route (the proxy's own dest-ip/dest-port) and one per entry of
 * `routes`, each with its own pool, and the host table that picks one. Rebuilt on an in-place
 * reconfigure, keeping the live state of every route and upstream that stays.
 */
export class RouteSet {
  readonly defaultRoute: Route;
  /** Every route, the default one first. */
  readonly all: readonly Route[];
  private readonly byName = new Map<string, Route>();
  private readonly matcher: HostMatcher<Route>;
  private readonly rejectUnknown: boolean;

  constructor(config: ProxyConfig, previous?: RouteSet) {
    this.defaultRoute = new Route(DEFAULT_ROUTE, new Pool(config, previous?.defaultRoute.pool), config.health);
    const routes = config.routing.routes.map((route) => {
      const spec = { upstreams: route.upstreams, upstreamGroups: [route.upstreams.map((_, i) => i)], balancing: route.balancing };
      return new Route(route.name, new Pool(spec, previous?.byName.get(route.name)?.pool), route.health);
    });
    this.all = [this.defaultRoute, ...routes];
    for (const route of this.all) {
      this.byName.set(route.name, route);
      const before = previous?.byName.get(route.name);
      if (before !== undefined) route.carryCountsFrom(before);
    }
    this.matcher = new HostMatcher(config.routing.routes.flatMap((route, i) => route.hosts.map((host): [string, Route] => [host, routes[i]!])));
    this.rejectUnknown = config.routing.rejectUnknown;
  }

  /** The route named `name`; null and unknown names are the default route. */
  get(name: string | null): Route {
    return (name === null ? undefined : this.byName.get(name)) ?? this.defaultRoute;
  }

  /** The route serving `host`: a listed one, else the default, or null when unknown hosts are rejected. */
  forHost(host: string): Route | null {
    return this.matcher.match(host) ?? (this.rejectUnknown ? null : this.defaultRoute);
  }

  /** Every upstream of every route. The same ip:port in two routes is two upstreams, each with its own state. */
  upstreams(): UpstreamState[] {
    return this.all.flatMap((route) => route.pool.upstreams);
  }

  /** Upstreams of any route matching `ip`, or exactly `ip:port`. */
  find(ip: string, port?: number): UpstreamState[] {
    return this.all.flatMap((route) => route.pool.find(ip, port));
  }

  /** The route an upstream belongs to. */
  routeOf(upstream: UpstreamState): Route | undefined {
    return this.all.find((route) => route.pool.upstreams.includes(upstream));
  }

  pruneSticky(): void {
    for (const route of this.all) route.pool.pruneSticky();
  }
}
