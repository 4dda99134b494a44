import type { HealthCheckConfig } from '../../shared/config/resolved-types.js';
import type { UpstreamState } from '../balancer/upstream-state.js';
import { tcpProbe, type ProbeResult } from './tcp-probe.js';

export type Prober = (ip: string, port: number, timeoutMs: number) => Promise<ProbeResult>;
export type TransitionListener = (upstream: UpstreamState, cause: 'probe') => void;

/**
 * Active TCP health checks: one timer per upstream, first probes staggered across the interval
 * so they do not all dial at once. After `failuresBeforeEject` consecutive failures an upstream
 * is ejected, after `passesBeforeReadmit` consecutive passes readmitted. Only transitions are
 * reported.
 */
export class HealthChecker {
  private readonly timers = new Map<UpstreamState, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly upstreams: readonly UpstreamState[],
    private readonly config: HealthCheckConfig,
    private readonly onTransition: TransitionListener,
    private readonly probe: Prober = tcpProbe,
  ) {}

  start(): void {
    const n = this.upstreams.length;
    this.upstreams.forEach((upstream, i) => this.schedule(upstream, Math.floor((i * this.config.intervalMs) / n)));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(upstream: UpstreamState, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => void this.run(upstream), delayMs);
    timer.unref();
    this.timers.set(upstream, timer);
  }

  private async run(upstream: UpstreamState): Promise<void> {
    const startedAt = Date.now();
    const result = await this.probe(upstream.ip, upstream.port, this.config.timeoutMs);
    if (this.stopped) return;
    this.record(upstream, result, startedAt);
    this.schedule(upstream, Math.max(0, startedAt + this.config.intervalMs - Date.now()));
  }

  private record(upstream: UpstreamState, result: ProbeResult, at: number): void {
    upstream.lastProbeAt = at;
    if (result.ok) {
      upstream.lastProbeLatencyMs = result.latencyMs;
      upstream.lastProbeError = null;
      upstream.consecutivePasses++;
      upstream.consecutiveFailures = 0;
      if (!upstream.probeHealthy && upstream.consecutivePasses >= this.config.passesBeforeReadmit) upstream.probeHealthy = true;
    } else {
      upstream.lastProbeLatencyMs = null;
      upstream.lastProbeError = result.error;
      upstream.consecutiveFailures++;
      upstream.consecutivePasses = 0;
      if (upstream.probeHealthy && upstream.consecutiveFailures >= this.config.failuresBeforeEject) upstream.probeHealthy = false;
    }
    if (upstream.refreshHealth()) this.onTransition(upstream, 'probe');
  }
}
