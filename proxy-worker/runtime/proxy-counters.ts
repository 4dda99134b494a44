import type { CounterReport } from '../../shared/ipc/protocol.js';
import type { AclCounts } from '../../shared/acl/acl-counts.js';
import type { Pool } from '../balancer/pool.js';

/**
 * Per-proxy counters as plain numbers, bumped on the data path and folded into one IPC message a
 * second. Everything here except the `active*` levels is a delta since the previous report.
 */
export class ProxyCounters {
  bytesIn = 0;
  bytesOut = 0;
  tcpOpened = 0;
  tcpClosed = 0;
  udpSessionsOpened = 0;
  udpSessionsClosed = 0;
  noHealthyUpstream = 0;
  deniedByAcl = 0;
  refusedSuspended = 0;
  udpDropped = 0;
  activeTcp = 0;
  activeUdpSessions = 0;

  takeReport(pool: Pool, acl: AclCounts): CounterReport {
    const report: CounterReport = {
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      tcpOpened: this.tcpOpened,
      tcpClosed: this.tcpClosed,
      udpSessionsOpened: this.udpSessionsOpened,
      udpSessionsClosed: this.udpSessionsClosed,
      noHealthyUpstream: this.noHealthyUpstream,
      deniedByAcl: this.deniedByAcl,
      acl,
      refusedSuspended: this.refusedSuspended,
      udpDropped: this.udpDropped,
      activeTcp: this.activeTcp,
      activeUdpSessions: this.activeUdpSessions,
      upstreams: pool.upstreams.map((u) => {
        const entry = { ip: u.ip, port: u.port, healthy: u.healthy, active: u.active, opened: u.opened, bytesIn: u.bytesIn, bytesOut: u.bytesOut };
        u.opened = 0;
        u.bytesIn = 0;
        u.bytesOut = 0;
        return entry;
      }),
    };
    this.bytesIn = this.bytesOut = this.tcpOpened = this.tcpClosed = 0;
    this.udpSessionsOpened = this.udpSessionsClosed = this.noHealthyUpstream = this.udpDropped = 0;
    this.deniedByAcl = this.refusedSuspended = 0;
    return report;
  }
}
