import type { MetricsConfig } from '../../shared/config/resolved-types.js';
import type { Clock } from '../clock.js';
import type { MetricsStore, ProxySample, UpstreamSample } from '../store/metrics-store.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import { isNamed, upstreamHealth, type NamedController } from './metrics-collector.js';

/** The cumulative counters a sample's deltas are taken from. */
interface Totals {
  bytesIn: number;
  bytesOut: number;
  connections: number;
  udpSessions: number;
  aclDenied: number;
  noHealthyUpstream: number;
  udpDropped: number;
  suspendedRefused: number;
  upstreams: Map<string, { connections: number; bytesIn: number; bytesOut: number }>;
}

const ZERO: Totals = { bytesIn: 0, bytesOut: 0, connections: 0, udpSessions: 0, aclDenied: 0, noHealthyUpstream: 0, udpDropped: 0, suspendedRefused: 0, upstreams: new Map() };

export interface RecorderLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function totalsOf(c: ProxyController): Totals {
  const s = c.stats;
  const upstreams = new Map([...s.upstreams].map(([key, u]) => [key, { connections: u.connectionsTotal, bytesIn: u.bytesIn, bytesOut: u.bytesOut }]));
  return {
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    connections: s.tcpConnectionsTotal + s.udpSessionsTotal,
    udpSessions: s.udpSessionsTotal,
    aclDenied: s.deniedByAclTotal,
    noHealthyUpstream: s.noHealthyUpstreamTotal,
    udpDropped: s.udpDroppedTotal,
    suspendedRefused: s.refusedSuspendedTotal,
    upstreams,
  };
}

/** Totals only grow; a smaller value means the counter started again, so all of it is new. */
const delta = (now: number, before: number): number => (now >= before ? now - before : now);

/**
 * Writes a sample per proxy and per upstream every `flush_interval_seconds` (one transaction,
 * which also prunes rows older than `retention_hours`), and a last one at shutdown. With
 * `metrics.enabled: false` nothing is written.
 */
export class MetricsRecorder {
  private readonly flushed = new WeakMap<ProxyController, Totals>();
  private lastFlushMs: number;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly proxies: () => ProxyController[],
    private readonly store: MetricsStore,
    private readonly config: () => MetricsConfig,
    private readonly logger: RecorderLogger,
    private readonly clock: Clock,
  ) {
    this.lastFlushMs = clock.now();
  }

  start(): void {
    this.schedule();
  }

  /** Stops the timer and writes the last interval. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  flush(): void {
    const now = this.clock.now();
    if (now <= this.lastFlushMs) return;
    if (!this.config().enabled) {
      // History is off (it may come on at a SIGHUP): move the baseline, write nothing.
      for (const c of this.proxies()) this.flushed.set(c, totalsOf(c));
      this.lastFlushMs = now;
      return;
    }
    const intervalMs = now - this.lastFlushMs;
    const proxies: ProxySample[] = [];
    const upstreams: UpstreamSample[] = [];
    const controllers = this.proxies().filter(isNamed);
    const taken = controllers.map((c) => [c, totalsOf(c)] as const);
    for (const [c, totals] of taken) {
      const before = this.flushed.get(c) ?? ZERO;
      proxies.push(this.proxySample(c, totals, before, now, intervalMs));
      for (const [upstream, u] of c.stats.upstreams) {
        const was = before.upstreams.get(upstream) ?? { connections: 0, bytesIn: 0, bytesOut: 0 };
        const t = totals.upstreams.get(upstream)!;
        upstreams.push({ proxy: c.name, upstream, tsMs: now, intervalMs, healthy: u.healthy, active: u.active, connections: delta(t.connections, was.connections), bytesIn: delta(t.bytesIn, was.bytesIn), bytesOut: delta(t.bytesOut, was.bytesOut) });
      }
    }
    const retentionMs = this.config().retentionHours * 3_600_000;
    try {
      const { pruned } = this.store.write(proxies, upstreams, now - retentionMs);
      for (const [c, totals] of taken) this.flushed.set(c, totals);
      this.lastFlushMs = now;
      if (this.failing) this.logger.info('metrics flush works again');
      this.failing = false;
      this.logger.debug('metrics flushed', { proxies: proxies.length, upstreams: upstreams.length, pruned });
    } catch (error) {
      // The deltas stay pending and go into the next flush.
      if (!this.failing) this.logger.error('metrics flush failed', { error: (error as Error).message });
      this.failing = true;
    }
  }

  private proxySample(c: NamedController, t: Totals, before: Totals, tsMs: number, intervalMs: number): ProxySample {
    const health = upstreamHealth(c);
    return {
      proxy: c.name,
      tsMs,
      intervalMs,
      bytesIn: delta(t.bytesIn, before.bytesIn),
      bytesOut: delta(t.bytesOut, before.bytesOut),
      connections: delta(t.connections, before.connections),
      udpSessions: delta(t.udpSessions, before.udpSessions),
      aclDenied: delta(t.aclDenied, before.aclDenied),
      noHealthyUpstream: delta(t.noHealthyUpstream, before.noHealthyUpstream),
      udpDropped: delta(t.udpDropped, before.udpDropped),
      suspendedRefused: delta(t.suspendedRefused, before.suspendedRefused),
      activeTcp: c.stats.activeTcp,
      activeUdpSessions: c.stats.activeUdpSessions,
      upstreamsHealthy: health.healthy,
      upstreamsTotal: health.total,
      running: c.state === 'running',
      suspended: c.suspendedReason !== null,
    };
  }

  /** A timeout chain rather than an interval, so a new `flush_interval_seconds` (SIGHUP) applies. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.flush();
      this.schedule();
      // 0 is allowed while metrics are disabled: never spin.
    }, Math.max(1, this.config().flushIntervalSeconds) * 1000);
  }
}
