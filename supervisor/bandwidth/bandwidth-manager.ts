import type { BandwidthConfig, BandwidthScope } from '../../shared/config/resolved-types.js';
import type { Clock } from '../clock.js';
import type { BandwidthStore, Traffic } from '../store/bandwidth-store.js';
import { exceededLimits, limitsOf, suspendedUntil, suspensionReason, type ExceededLimit, type UsageByPeriod } from './quota-check.js';
import { isoInZone, periodWindows, type Period } from './quota-periods.js';
import { BUCKET_RETENTION_MS, bucketStart } from './usage-buckets.js';
import { UsageCache } from './usage-cache.js';
import type { SharedUsage } from './shared-usage.js';

/** What the manager needs of a proxy; `ProxyController` is one. */
export interface MeteredProxy {
  readonly name: string | undefined;
  readonly config: { readonly bandwidth: BandwidthConfig } | null;
  /** Totals since the supervisor started, fed by the workers' 1 s counter reports. */
  readonly stats: { readonly totals: { readonly bytesIn: number; readonly bytesOut: number } };
  setSuspended(reason: string | null): void;
}

export interface BandwidthLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Suspension {
  reason: string;
  periods: Period[];
  untilMs: number;
}

/** One proxy's bandwidth as the API and the metrics show it. */
export interface BandwidthUsage {
  proxy: string;
  zone: string;
  config: BandwidthConfig | null;
  /** `cluster`: `usage` is every node's (as far as this node knows); `node`: this node's. */
  scope: BandwidthScope;
  usage: UsageByPeriod;
  /** With scope cluster: bytes per node and period. */
  nodes: Record<string, Record<Period, number>> | null;
  limits: Record<Period, number>;
  exceeded: ExceededLimit[];
  suspension: Suspension | null;
}

const TICK_MS = 1000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Per-proxy bandwidth: every second, the bytes each proxy moved since the last tick go into the
 * store's quarter-hour buckets, and each quota is checked. With `bandwidth.enabled` and
 * `suspend_on_limit`, a used-up quota suspends the proxy (its workers refuse new connections and
 * UDP sessions) until the period ends; otherwise a used-up quota is only logged and shown.
 * Usage is tracked for every proxy, with or without limits. On a cluster node, a proxy with
 * `bandwidth.scope: cluster` also hands its bytes to the cluster, and its quotas are checked
 * against every node's usage.
 */
export class BandwidthManager {
  private readonly cache: UsageCache;
  private readonly seen = new WeakMap<MeteredProxy, Traffic>();
  private readonly suspensions = new Map<string, Suspension>();
  /** Per proxy that does not suspend: the period starts whose used-up limit was already logged. */
  private readonly reported = new Map<string, Map<Period, number>>();
  private timer: NodeJS.Timeout | null = null;
  private lastPruneMs = 0;
  private storeFailing = false;
  private shared: SharedUsage | null = null;

  constructor(
    private readonly proxies: { list(): MeteredProxy[] },
    private readonly store: BandwidthStore,
    private readonly zone: () => string,
    private readonly logger: BandwidthLogger,
    private readonly clock: Clock,
  ) {
    this.cache = new UsageCache(store);
  }

  /** A cluster node's shared usage, set before `start`: proxies with scope cluster count there. */
  useSharedUsage(shared: SharedUsage): void {
    this.shared = shared;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), TICK_MS);
  }

  /** Stops the timer and counts what the workers reported last. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    void this.tick();
  }

  /**
   * Counts new bytes into the store, then checks every proxy's quotas. Resolves when the
   * cluster's reading that the tick asked for has arrived and been checked (at once without one).
   */
  tick(): Promise<void> {
    const now = this.clock.now();
    const zone = this.zone();
    const { counted, written } = this.countNewBytes(now);
    const shared: string[] = [];
    for (const proxy of this.proxies.list()) {
      if (proxy.name === undefined) continue;
      const delta = counted.get(proxy.name);
      if (delta !== undefined && written) this.cache.add(proxy.name, now, zone, delta.bytesIn, delta.bytesOut);
      if (this.shared !== null && this.isShared(proxy)) {
        shared.push(proxy.name);
        if (delta !== undefined) this.shared.add(proxy.name, bucketStart(now), delta.bytesIn, delta.bytesOut);
      }
      this.enforce(proxy, proxy.name, now, zone);
    }
    if (now - this.lastPruneMs >= PRUNE_EVERY_MS) {
      this.lastPruneMs = now;
      this.guard(() => this.store.prune(now - BUCKET_RETENTION_MS));
    }
    // The new reading is checked as soon as it arrives, not a second later.
    return (this.shared?.sync(shared, now, zone) ?? Promise.resolve()).then(() => {
      if (shared.length > 0) this.enforceAll();
    });
  }

  /** Checks quotas without counting (e.g. right after a reload, before new workers listen). */
  enforceAll(): void {
    const now = this.clock.now();
    for (const proxy of this.proxies.list()) if (proxy.name !== undefined) this.enforce(proxy, proxy.name, now, this.zone());
  }

  usage(proxy: MeteredProxy & { name: string }): BandwidthUsage {
    const zone = this.zone();
    const { usage, nodes } = this.usageOf(proxy, proxy.name, this.clock.now(), zone);
    const config = proxy.config?.bandwidth ?? null;
    const limits = limitsOf(config ?? undefined);
    const scope = nodes === null ? 'node' : 'cluster';
    return { proxy: proxy.name, zone, config, scope, usage, nodes, limits, exceeded: exceededLimits(usage, limits), suspension: this.suspensions.get(proxy.name) ?? null };
  }

  /** Everything the store holds for the proxy (the last 32 days). */
  retained(proxy: string): Traffic {
    const now = this.clock.now();
    return this.store.sum(proxy, now - BUCKET_RETENTION_MS, Number.MAX_SAFE_INTEGER);
  }

  /**
   * Zeroes the current periods (erases the usage since the earlier of this week's Monday and
   * this month's 1st) and lifts a suspension. Returns where the erased usage began. A cluster
   * quota is zeroed for every node (rejects with `ClusterUnavailableError` while Redis is away).
   */
  async reset(proxy: MeteredProxy & { name: string }, by: string): Promise<{ fromMs: number; buckets: number }> {
    const now = this.clock.now();
    const zone = this.zone();
    if (this.shared !== null && this.isShared(proxy)) await this.shared.reset(proxy.name, now, zone);
    const windows = periodWindows(now, zone);
    const fromMs = bucketStart(Math.min(windows.weekly.startMs, windows.monthly.startMs));
    // Bytes reported but not yet counted happened before the reset: they are erased too.
    this.seen.set(proxy, { bytesIn: proxy.stats.totals.bytesIn, bytesOut: proxy.stats.totals.bytesOut });
    const buckets = this.store.erase(proxy.name, fromMs);
    this.cache.invalidate(proxy.name);
    this.reported.delete(proxy.name);
    this.logger.info('bandwidth usage reset', { proxy: proxy.name, from: isoInZone(fromMs, zone), buckets, by });
    this.enforce(proxy, proxy.name, now, zone, 'usage reset');
    return { fromMs, buckets };
  }

  private isShared(proxy: MeteredProxy): boolean {
    return proxy.config?.bandwidth.scope === 'cluster';
  }

  /** The usage a proxy's quota is checked against: the cluster's for scope cluster, else this node's. */
  private usageOf(proxy: MeteredProxy, name: string, now: number, zone: string): { usage: UsageByPeriod; nodes: BandwidthUsage['nodes'] } {
    if (this.shared !== null && this.isShared(proxy)) return this.shared.usage(name, now, zone);
    return { usage: this.cache.get(name, now, zone).usage, nodes: null };
  }

  /** Bytes since the last tick, written to the store (`written` false when the store failed). */
  private countNewBytes(now: number): { counted: Map<string, Traffic>; written: boolean } {
    const counted = new Map<string, Traffic>();
    for (const proxy of this.proxies.list()) {
      if (proxy.name === undefined) continue;
      const seen = this.seen.get(proxy) ?? { bytesIn: 0, bytesOut: 0 };
      const current = { bytesIn: proxy.stats.totals.bytesIn, bytesOut: proxy.stats.totals.bytesOut };
      this.seen.set(proxy, current);
      // Totals only grow; a smaller one means new stats: everything in it is new.
      const bytesIn = current.bytesIn >= seen.bytesIn ? current.bytesIn - seen.bytesIn : current.bytesIn;
      const bytesOut = current.bytesOut >= seen.bytesOut ? current.bytesOut - seen.bytesOut : current.bytesOut;
      if (bytesIn === 0 && bytesOut === 0) continue;
      const previous = counted.get(proxy.name);
      counted.set(proxy.name, { bytesIn: bytesIn + (previous?.bytesIn ?? 0), bytesOut: bytesOut + (previous?.bytesOut ?? 0) });
    }
    const bucketMs = bucketStart(now);
    const written = this.guard(() => this.store.add([...counted].map(([proxy, t]) => ({ proxy, bucketMs, ...t }))));
    return { counted, written };
  }

  private enforce(proxy: MeteredProxy, name: string, now: number, zone: string, cause = 'limit raised'): void {
    const { usage } = this.usageOf(proxy, name, now, zone);
    const config = proxy.config?.bandwidth;
    const exceeded = exceededLimits(usage, limitsOf(config));
    const suspends = config?.enabled === true && config.suspendOnLimit;
    const current = this.suspensions.get(name);
    if (suspends && exceeded.length > 0) {
      const next = { reason: suspensionReason(exceeded), periods: exceeded.map((e) => e.period), untilMs: suspendedUntil(exceeded) };
      if (current?.reason !== next.reason) this.suspensions.set(name, next);
      for (const e of exceeded) {
        if (current?.periods.includes(e.period)) continue;
        this.logger.warn('proxy suspended, bandwidth limit reached', { proxy: name, period: e.period, usedBytes: e.usedBytes, limitBytes: e.limitBytes, periodStart: isoInZone(usage[e.period].window.startMs, zone), until: isoInZone(e.endMs, zone) });
      }
    } else if (current !== undefined) {
      this.suspensions.delete(name);
      const why = !suspends ? 'quota no longer enforced' : now >= current.untilMs ? 'period ended' : cause;
      this.logger.info('proxy resumed, bandwidth quota available again', { proxy: name, periods: current.periods, cause: why, at: isoInZone(now, zone) });
    }
    if (config?.enabled === true && !config.suspendOnLimit) this.reportOnly(name, exceeded, usage, zone);
    proxy.setSuspended(this.suspensions.get(name)?.reason ?? null);
  }

  /** `suspend_on_limit: false`: one warning per used-up period, no suspension. */
  private reportOnly(name: string, exceeded: ExceededLimit[], usage: UsageByPeriod, zone: string): void {
    let reported = this.reported.get(name);
    for (const e of exceeded) {
      const startMs = usage[e.period].window.startMs;
      if (reported?.get(e.period) === startMs) continue;
      if (reported === undefined) this.reported.set(name, (reported = new Map()));
      reported.set(e.period, startMs);
      this.logger.warn('bandwidth limit reached, not suspending (suspend_on_limit: false)', { proxy: name, period: e.period, usedBytes: e.usedBytes, limitBytes: e.limitBytes, until: isoInZone(e.endMs, zone) });
    }
  }

  /** A store failure (disk full, file removed) is logged once, not every second. */
  private guard(work: () => unknown): boolean {
    try {
      work();
      if (this.storeFailing) this.logger.info('bandwidth store writable again');
      this.storeFailing = false;
      return true;
    } catch (error) {
      if (!this.storeFailing) this.logger.error('bandwidth store write failed', { error: (error as Error).message });
      this.storeFailing = true;
      return false;
    }
  }
}
