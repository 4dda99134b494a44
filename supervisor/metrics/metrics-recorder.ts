import type { MetricsConfig } from '../../shared/config/resolved-types.js';
import type { Clock } from '../clock.js';
import type { MetricsStore, ProxySample, UpstreamSample } from '../store/metrics-store.js';
import { PROXY_COLUMNS, UPSTREAM_COLUMNS, type SampleColumn } from '../store/sample-columns.js';
import { proxyValues, upstreamValues } from '../stats/supervisor-values.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import { isNamed } from './metrics-collector.js';

type Values = Record<string, number>;

/** The values a sample is taken from: a proxy's, and each upstream's by `ip:port`. */
interface Reading {
  proxy: Values;
  upstreams: Map<string, Values>;
}

const NOTHING: Reading = { proxy: {}, upstreams: new Map() };

export interface RecorderLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function readingOf(c: ProxyController): Reading {
  const upstreams = new Map([...c.stats.upstreams].map(([key, u]) => [key, upstreamValues(u) as Values]));
  return { proxy: proxyValues(c), upstreams };
}

/** Totals only grow; a smaller value means the counter started again, so all of it is new. */
const delta = (now: number, before: number): number => (now >= before ? now - before : now);

/** Counters as the change since `before`, gauges as they are now; flags as booleans. */
function sampleValues(columns: SampleColumn[], now: Values, before: Values): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const { entry, field } of columns) {
    const value = now[entry.name] ?? 0;
    out[field] = entry.spec.kind === 'counter' ? delta(value, before[entry.name] ?? 0) : entry.spec.unit === 'flag' ? value === 1 : value;
  }
  return out;
}

/**
 * Writes a sample per proxy and per upstream every `flush_interval_seconds` (one transaction,
 * which also prunes rows older than `retention_hours`), and a last one at shutdown. With
 * `metrics.enabled: false` nothing is written.
 */
export class MetricsRecorder {
  private readonly flushed = new WeakMap<ProxyController, Reading>();
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
      for (const c of this.proxies()) this.flushed.set(c, readingOf(c));
      this.lastFlushMs = now;
      return;
    }
    const intervalMs = now - this.lastFlushMs;
    const proxies: ProxySample[] = [];
    const upstreams: UpstreamSample[] = [];
    const controllers = this.proxies().filter(isNamed);
    const taken = controllers.map((c) => [c, readingOf(c)] as const);
    for (const [c, reading] of taken) {
      const before = this.flushed.get(c) ?? NOTHING;
      proxies.push({ proxy: c.name, tsMs: now, intervalMs, ...sampleValues(PROXY_COLUMNS, reading.proxy, before.proxy) });
      for (const [upstream, values] of reading.upstreams) {
        upstreams.push({ proxy: c.name, upstream, tsMs: now, intervalMs, ...sampleValues(UPSTREAM_COLUMNS, values, before.upstreams.get(upstream) ?? {}) });
      }
    }
    const retentionMs = this.config().retentionHours * 3_600_000;
    try {
      const { pruned } = this.store.write(proxies, upstreams, now - retentionMs);
      for (const [c, reading] of taken) this.flushed.set(c, reading);
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

  /** A timeout chain rather than an interval, so a new `flush_interval_seconds` (SIGHUP) applies. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.flush();
      this.schedule();
      // 0 is allowed while metrics are disabled: never spin.
    }, Math.max(1, this.config().flushIntervalSeconds) * 1000);
  }
}
