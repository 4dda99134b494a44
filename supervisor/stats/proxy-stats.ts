import type { CounterReport } from '../../shared/ipc/protocol.js';
import { formatHostPort } from '../../shared/host-port.js';
import { AclStats } from './acl-stats.js';

export interface UpstreamTotals {
  ip: string;
  port: number;
  healthy: boolean;
  active: number;
  connectionsTotal: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * A proxy's counters as the supervisor keeps them: totals since the supervisor started (they
 * survive worker restarts, because workers report deltas), and the current levels from the
 * latest report of each live worker process.
 */
export class ProxyStats {
  bytesIn = 0;
  bytesOut = 0;
  tcpConnectionsTotal = 0;
  udpSessionsTotal = 0;
  noHealthyUpstreamTotal = 0;
  deniedByAclTotal = 0;
  refusedSuspendedTotal = 0;
  udpDroppedTotal = 0;
  readonly upstreams = new Map<string, UpstreamTotals>();
  readonly acl = new AclStats();
  /** Levels per worker pid: a draining predecessor and its successor can both hold connections. */
  private readonly levels = new Map<number, { activeTcp: number; activeUdpSessions: number }>();

  record(pid: number, report: CounterReport): void {
    this.bytesIn += report.bytesIn;
    this.bytesOut += report.bytesOut;
    this.tcpConnectionsTotal += report.tcpOpened;
    this.udpSessionsTotal += report.udpSessionsOpened;
    this.noHealthyUpstreamTotal += report.noHealthyUpstream;
    this.deniedByAclTotal += report.deniedByAcl;
    this.acl.record(report.acl);
    this.refusedSuspendedTotal += report.refusedSuspended;
    this.udpDroppedTotal += report.udpDropped;
    this.levels.set(pid, { activeTcp: report.activeTcp, activeUdpSessions: report.activeUdpSessions });
    for (const u of report.upstreams) {
      const key = formatHostPort(u.ip, u.port);
      let totals = this.upstreams.get(key);
      if (totals === undefined) {
        totals = { ip: u.ip, port: u.port, healthy: u.healthy, active: 0, connectionsTotal: 0, bytesIn: 0, bytesOut: 0 };
        this.upstreams.set(key, totals);
      }
      totals.active = u.active;
      totals.healthy = u.healthy;
      totals.connectionsTotal += u.opened;
      totals.bytesIn += u.bytesIn;
      totals.bytesOut += u.bytesOut;
    }
  }

  healthChanged(ip: string, port: number, healthy: boolean): void {
    const totals = this.upstreams.get(formatHostPort(ip, port));
    if (totals !== undefined) totals.healthy = healthy;
  }

  /** The worker is gone: its connections are too. */
  workerExited(pid: number): void {
    this.levels.delete(pid);
  }

  get activeTcp(): number {
    let sum = 0;
    for (const level of this.levels.values()) sum += level.activeTcp;
    return sum;
  }

  get activeUdpSessions(): number {
    let sum = 0;
    for (const level of this.levels.values()) sum += level.activeUdpSessions;
    return sum;
  }
}
