import type { BandwidthStore } from '../store/bandwidth-store.js';
import type { UsageByPeriod } from './quota-check.js';
import { PERIODS, periodWindows } from './quota-periods.js';

/**
 * Each proxy's traffic in its current hourly/daily/weekly/monthly periods, kept in memory so the
 * once-a-second check costs no query. A proxy's entry is loaded from the store when first
 * needed, and again whenever `now` leaves one of its periods (or the zone changes): that reload
 * is what starts a new period at 0. In between, `add` keeps it in step with what is written.
 */
export class UsageCache {
  private readonly entries = new Map<string, { zone: string; usage: UsageByPeriod }>();

  constructor(private readonly store: BandwidthStore) {}

  /** The proxy's usage for the periods containing `nowMs`; `reloaded` when read from the store. */
  get(proxy: string, nowMs: number, zone: string): { usage: UsageByPeriod; reloaded: boolean } {
    const entry = this.entries.get(proxy);
    if (entry !== undefined && entry.zone === zone && PERIODS.every((p) => nowMs >= entry.usage[p].window.startMs && nowMs < entry.usage[p].window.endMs)) {
      return { usage: entry.usage, reloaded: false };
    }
    const usage = this.load(proxy, nowMs, zone);
    this.entries.set(proxy, { zone, usage });
    return { usage, reloaded: true };
  }

  /** Adds bytes just written to the store, if the proxy's entry is current; otherwise the next `get` reloads. */
  add(proxy: string, nowMs: number, zone: string, bytesIn: number, bytesOut: number): void {
    const entry = this.entries.get(proxy);
    if (entry === undefined || entry.zone !== zone) return;
    for (const period of PERIODS) {
      const usage = entry.usage[period];
      if (nowMs < usage.window.startMs || nowMs >= usage.window.endMs) {
        this.entries.delete(proxy);
        return;
      }
      usage.bytesIn += bytesIn;
      usage.bytesOut += bytesOut;
    }
  }

  /** Forgets a proxy's entry (after its stored usage changed, e.g. a reset). */
  invalidate(proxy: string): void {
    this.entries.delete(proxy);
  }

  private load(proxy: string, nowMs: number, zone: string): UsageByPeriod {
    const windows = periodWindows(nowMs, zone);
    const usage = {} as UsageByPeriod;
    for (const period of PERIODS) {
      const window = windows[period];
      usage[period] = { window, ...this.store.sum(proxy, window.startMs, window.endMs) };
    }
    return usage;
  }
}
