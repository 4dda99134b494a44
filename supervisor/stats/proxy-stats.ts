import type { CounterReport, RouteCounters } from '../../shared/ipc/protocol.js';
import { formatIpPort } from '../../shared/ip-port.js';
import { workerNames, zeroWorkerValues, type WorkerCounterName, type WorkerValues } from '../../shared/counters/counters.js';
import { AclStats } from './acl-stats.js';

/** One upstream as the supervisor keeps it: counters summed since the start, gauges as last reported. */
export type UpstreamTotals = { ip: string; port: number; healthy: boolean } & WorkerValues<'upstream'>;
/** One route of the proxy, kept the same way. */
export type RouteTotals = { route: string } & WorkerValues<'route'>;

const PROXY_COUNTERS = workerNames('proxy', 'counter');
const PROXY_GAUGES = new Set<string>(workerNames('proxy', 'gauge'));
const UPSTREAM_COUNTERS = workerNames('upstream', 'counter');
const UPSTREAM_GAUGES = workerNames('upstream', 'gauge');
const ROUTE_COUNTERS = workerNames('route', 'counter');
const ROUTE_GAUGES = workerNames('route', 'gauge');

/**
 * A proxy's worker-sourced values as the supervisor keeps them: counters summed since the
 * supervisor started (they survive worker restarts, because workers report deltas), and gauges
 * from the latest report of each live worker process, added up.
 */
export class ProxyStats {
  /** Counters: the sum of every report's deltas. (Gauge slots stay 0: see `value`.) */
  readonly totals: WorkerValues<'proxy'> = zeroWorkerValues('proxy');
  readonly upstreams = new Map<string, UpstreamTotals>();
  /** By route name, the default route included. */
  readonly routes = new Map<string, RouteTotals>();
  readonly acl = new AclStats();
  /** L7 totals since the supervisor started: blocked per reason, events per type. */
  readonly l7Blocked = new Map<string, number>();
  readonly l7Events = new Map<string, number>();
  /** Gauges per worker pid: a draining predecessor and its successor can both hold connections. */
  private readonly levels = new Map<number, WorkerValues<'proxy'>>();

  record(pid: number, report: CounterReport): void {
    for (const name of PROXY_COUNTERS) this.totals[name] += report[name];
    for (const [reason, n] of Object.entries(report.l7.blocked)) this.l7Blocked.set(reason, (this.l7Blocked.get(reason) ?? 0) + n);
    for (const [type, n] of Object.entries(report.l7.events)) this.l7Events.set(type, (this.l7Events.get(type) ?? 0) + n);
    this.levels.set(pid, report);
    this.acl.record(report.acl);
    // The same ip:port in two routes arrives twice: one backend, so its values add up.
    const seen = new Set<string>();
    for (const u of report.upstreams) {
      const key = formatIpPort(u.ip, u.port);
      let totals = this.upstreams.get(key);
      if (totals === undefined) {
        totals = { ip: u.ip, port: u.port, healthy: u.healthy, ...zeroWorkerValues('upstream') };
        this.upstreams.set(key, totals);
      }
      const again = seen.has(key);
      seen.add(key);
      totals.healthy = again ? totals.healthy || u.healthy : u.healthy;
      for (const name of UPSTREAM_COUNTERS) totals[name] += u[name];
      for (const name of UPSTREAM_GAUGES) totals[name] = again ? totals[name] + u[name] : u[name];
    }
    for (const r of report.routes ?? []) this.recordRoute(r);
  }

  private recordRoute(r: RouteCounters): void {
    let totals = this.routes.get(r.route);
    if (totals === undefined) {
      totals = { route: r.route, ...zeroWorkerValues('route') };
      this.routes.set(r.route, totals);
    }
    for (const name of ROUTE_COUNTERS) totals[name] += r[name];
    for (const name of ROUTE_GAUGES) totals[name] = r[name];
  }

  /** A worker-sourced value: a counter's total, or a gauge summed over the live workers. */
  value(name: WorkerCounterName<'proxy'>): number {
    if (!PROXY_GAUGES.has(name)) return this.totals[name];
    let sum = 0;
    for (const level of this.levels.values()) sum += level[name];
    return sum;
  }

  healthChanged(ip: string, port: number, healthy: boolean): void {
    const totals = this.upstreams.get(formatIpPort(ip, port));
    if (totals !== undefined) totals.healthy = healthy;
  }

  /** The worker is gone: its connections are too. */
  workerExited(pid: number): void {
    this.levels.delete(pid);
  }
}
