import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { UpstreamInfo, UpstreamSelector, WorkerMessage } from '../../shared/ipc/protocol.js';
import type { UpstreamState } from '../balancer/upstream-state.js';
import type { RouteSet } from '../routing/route-set.js';
import type { WorkerLogger } from '../runtime/worker-logger.js';
import { probeHeader } from '../proxy-protocol/send-headers.js';
import { HealthChecker } from './health-checker.js';
import { tcpProbe } from './tcp-probe.js';

/**
 * The health side of a proxy's upstreams: active probes, an operator's manual eject/readmit,
 * and reporting each change (logged, and sent to the supervisor). Kept apart from the pool,
 * which only reads `healthy` when it picks.
 */
export class UpstreamHealth {
  private checkers: HealthChecker[] = [];

  constructor(
    private readonly logger: WorkerLogger,
    private readonly notify: (message: WorkerMessage) => void,
    /** Called after every health change, with the upstream, once it is logged and reported. */
    private readonly onChange: (upstream: UpstreamState) => void = () => undefined,
  ) {}

  /**
   * (Re)starts probing the upstreams of every route, each route with its own health settings;
   * UDP-only proxies have nothing a TCP probe could check.
   */
  start(routes: RouteSet, config: ProxyConfig): void {
    this.stop();
    if (config.protocol === 'udp') return;
    const greeting = probeHeader(config.proxyProtocol.send);
    const prober = greeting === null ? tcpProbe : (ip: string, port: number, timeoutMs: number) => tcpProbe(ip, port, timeoutMs, greeting);
    for (const route of routes.all) {
      if (route.pool.upstreams.length === 0) continue;
      const checker = new HealthChecker(route.pool.upstreams, route.health, (upstream) => this.changed(upstream, 'probe'), prober);
      checker.start();
      this.checkers.push(checker);
    }
  }

  stop(): void {
    for (const checker of this.checkers) checker.stop();
    this.checkers = [];
  }

  /** An operator's eject holds whatever probes say, until a manual readmit. */
  eject(routes: RouteSet, selector: UpstreamSelector): number {
    const targets = routes.find(selector.ip, selector.port);
    for (const upstream of targets) {
      upstream.manuallyEjected = true;
      if (upstream.refreshHealth()) this.changed(upstream, 'manual');
    }
    return targets.length;
  }

  /** Lifts a manual eject and trusts the upstream again until probes say otherwise. */
  readmit(routes: RouteSet, selector: UpstreamSelector): number {
    const targets = routes.find(selector.ip, selector.port);
    for (const upstream of targets) {
      upstream.manuallyEjected = false;
      upstream.probeHealthy = true;
      upstream.consecutiveFailures = 0;
      if (upstream.refreshHealth()) this.changed(upstream, 'manual');
    }
    return targets.length;
  }

  private changed(upstream: UpstreamState, cause: 'probe' | 'manual'): void {
    const fields = {
      upstream: upstream.key,
      cause,
      consecutiveFailures: upstream.consecutiveFailures,
      consecutivePasses: upstream.consecutivePasses,
      lastProbeError: upstream.lastProbeError,
    };
    if (upstream.healthy) this.logger.info('upstream readmitted', fields);
    else this.logger.warn('upstream ejected', fields);
    this.notify({ type: 'health.changed', ip: upstream.ip, port: upstream.port, healthy: upstream.healthy, cause });
    this.onChange(upstream);
  }
}

export function upstreamInfo(u: UpstreamState, route: string): UpstreamInfo {
  return {
    route,
    ip: u.ip,
    port: u.port,
    weight: u.weight,
    healthy: u.healthy,
    probeHealthy: u.probeHealthy,
    manuallyEjected: u.manuallyEjected,
    activeConnections: u.active,
    totalConnections: u.totalOpened,
    consecutiveFailures: u.consecutiveFailures,
    consecutivePasses: u.consecutivePasses,
    lastProbeAt: u.lastProbeAt === null ? null : new Date(u.lastProbeAt).toISOString(),
    lastProbeLatencyMs: u.lastProbeLatencyMs,
    lastProbeError: u.lastProbeError,
  };
}
