import type { UpstreamSpec } from '../../shared/config/resolved-types.js';
import { formatIpPort } from '../../shared/ip-port.js';
import type { WorkerValues } from '../../shared/counters/counters.js';

/**
 * Live state of one upstream (dest ip:port). Config (ip, port, weight) is kept apart from how
 * the upstream is doing. Counters are plain numbers: the worker is single-threaded. The
 * upstream-scope `worker` values of the counter table are fields here (the compiler checks it).
 */
export class UpstreamState implements WorkerValues<'upstream'> {
  readonly ip: string;
  readonly port: number;
  readonly key: string;
  weight: number;
  /** What balancers read: probes say healthy and no manual eject holds. */
  healthy = true;
  /** The probes' verdict; starts healthy (optimistic). */
  probeHealthy = true;
  /** Set by an operator's eject; holds until a manual readmit, whatever probes say. */
  manuallyEjected = false;
  consecutiveFailures = 0;
  consecutivePasses = 0;
  lastProbeAt: number | null = null;
  lastProbeLatencyMs: number | null = null;
  lastProbeError: string | null = null;
  /** Level: open connections and UDP sessions (least-conn reads it). */
  active = 0;
  /** Since the worker started, for the API's upstream list. */
  totalOpened = 0;
  /** Deltas since the last counter report. */
  opened = 0;
  connectFailures = 0;
  bytesIn = 0;
  bytesOut = 0;

  constructor(spec: UpstreamSpec) {
    this.ip = spec.ip;
    this.port = spec.port;
    this.key = formatIpPort(spec.ip, spec.port);
    this.weight = spec.weight;
  }

  acquire(): void {
    this.active++;
    this.opened++;
    this.totalOpened++;
  }

  release(): void {
    if (this.active > 0) this.active--;
  }

  /** Recomputes `healthy`; returns true when it changed. */
  refreshHealth(): boolean {
    const next = this.probeHealthy && !this.manuallyEjected;
    if (next === this.healthy) return false;
    this.healthy = next;
    return true;
  }
}

export const upstreamKey = formatIpPort;
