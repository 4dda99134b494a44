import type { MetricsModel, MetricValues, ProxyMetrics } from '../metrics/metrics-model.js';
import { totalsOf } from '../metrics/metrics-model.js';
import { entriesOf } from '../../shared/counters/counters.js';
import type { ProxyController } from '../workers/proxy-controller.js';

export interface ProxySnapshot {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
  /** Every proxy value of the counter table, under its `key`, as `/metrics?format=json` has them. */
  values: MetricValues;
  /** The change per second of each counter-type metric since the previous snapshot. */
  perSecond: MetricValues;
  upstreams: { upstream: string; values: MetricValues }[];
  /** What the kernel dropped for the proxy per rule kind (`syn_rate`, …), with rates; empty without kernel rules. */
  iptables: { kind: string; values: MetricValues; perSecond: MetricValues }[];
}

export interface CounterSnapshot {
  at: string;
  intervalMs: number;
  supervisor: MetricValues;
  totals: { values: MetricValues; perSecond: MetricValues };
  proxies: ProxySnapshot[];
}

/**
 * The proxy values of kind `counter` in the counter table (shared/counters/counter-table.ts):
 * those a rate makes sense for. A counter added to the table gets its rate here, unasked.
 */
const PROXY_COUNTERS = entriesOf('proxy')
  .filter((e) => e.spec.kind === 'counter')
  .map((e) => e.spec.key);
const IPTABLES_COUNTERS = entriesOf('iptables')
  .filter((e) => e.spec.kind === 'counter')
  .map((e) => e.spec.key);

function perSecond(now: MetricValues, before: MetricValues | undefined, seconds: number, keys: readonly string[] = PROXY_COUNTERS): MetricValues {
  const rates: MetricValues = {};
  for (const key of keys) {
    if (before === undefined || seconds <= 0) {
      rates[key] = 0;
      continue;
    }
    // A counter only goes down when its proxy was renamed or re-created: no negative rate.
    const delta = Math.max(0, (now[key] ?? 0) - (before[key] ?? 0));
    rates[key] = Math.round((delta / seconds) * 100) / 100;
  }
  return rates;
}

/** A proxy's kernel drops per rule kind, each with its rate since the previous sample. */
function iptablesRates(now: ProxyMetrics['iptables'], before: ProxyMetrics['iptables'] | undefined, seconds: number): ProxySnapshot['iptables'] {
  return now.map((k) => ({ kind: k.kind, values: k.values, perSecond: perSecond(k.values, before?.find((b) => b.kind === k.kind)?.values, seconds, IPTABLES_COUNTERS) }));
}

/**
 * Samples every proxy's counters once per interval while someone listens (the event streams),
 * and turns consecutive samples into per-second rates. One sampler serves every client, so
 * ten open dashboards cost one reading a second.
 *
 * `refresh` brings values that must be fetched (the kernel's rule counters) up to date; it runs
 * right after each sample, never twice at once, so a slow read delays those values by an
 * interval instead of delaying the snapshot.
 */
export class CounterSampler {
  private readonly listeners = new Set<(snapshot: CounterSnapshot) => void>();
  private timer: NodeJS.Timeout | null = null;
  private previous: { atMs: number; model: MetricsModel } | null = null;
  private last: CounterSnapshot | null = null;
  private refreshing = false;

  constructor(
    private readonly model: () => MetricsModel,
    private readonly controllers: () => ProxyController[],
    readonly intervalMs = 1000,
    private readonly refresh: () => Promise<void> = async () => undefined,
  ) {}

  /** The newest snapshot (taken now when none is recent), so a new client needs not wait a second. */
  latest(): CounterSnapshot {
    return this.last ?? this.sample();
  }

  subscribe(listener: (snapshot: CounterSnapshot) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === null) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.refreshInBackground();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0 || this.timer === null) return;
      clearInterval(this.timer);
      this.timer = null;
      this.previous = null;
      this.last = null;
    };
  }

  private tick(): void {
    const snapshot = this.sample();
    for (const listener of this.listeners) listener(snapshot);
    this.refreshInBackground();
  }

  private refreshInBackground(): void {
    if (this.refreshing) return;
    this.refreshing = true;
    this.refresh()
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = false;
      });
  }

  private sample(): CounterSnapshot {
    const model = this.model();
    const before = this.previous;
    const seconds = before === null ? 0 : (model.atMs - before.atMs) / 1000;
    const beforeByName = new Map(before?.model.proxies.map((p) => [p.proxy, p]));
    const byName = new Map(this.controllers().map((c) => [c.name, c]));
    const proxies = model.proxies.map((p): ProxySnapshot => {
      const controller = byName.get(p.proxy);
      return {
        name: p.proxy,
        state: controller?.state ?? 'stopped',
        pid: controller?.runningWorker?.pid ?? null,
        restarts: controller?.restarts ?? 0,
        values: p.values,
        perSecond: perSecond(p.values, beforeByName.get(p.proxy)?.values, seconds),
        upstreams: p.upstreams,
        iptables: iptablesRates(p.iptables, beforeByName.get(p.proxy)?.iptables, seconds),
      };
    });
    const totals = totalsOf(model);
    const totalsBefore = before === null ? undefined : totalsOf(before.model);
    this.previous = { atMs: model.atMs, model };
    this.last = {
      at: new Date(model.atMs).toISOString(),
      intervalMs: this.intervalMs,
      supervisor: model.supervisor ?? {},
      totals: { values: totals, perSecond: perSecond(totals, totalsBefore, seconds) },
      proxies,
    };
    return this.last;
  }
}
