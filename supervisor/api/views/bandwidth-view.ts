import type { BandwidthUsage } from '../../bandwidth/bandwidth-manager.js';
import { percentOf, usedBytes } from '../../bandwidth/quota-check.js';
import { isoInZone, PERIODS, type Period } from '../../bandwidth/quota-periods.js';
import type { Traffic } from '../../store/bandwidth-store.js';

function byPeriod<T>(make: (period: Period) => T): Record<Period, T> {
  return { hourly: make('hourly'), daily: make('daily'), weekly: make('weekly'), monthly: make('monthly') };
}

/** The spec's bandwidth snapshot (`name`, `inbound_bytes`, `hourly_used`, …) plus limits, periods and suspension. */
export function bandwidthView(b: BandwidthUsage, retained: Traffic) {
  const used = byPeriod((p) => usedBytes(b.usage[p]));
  const percent = byPeriod((p) => percentOf(used[p], b.limits[p]));
  const exceeded = new Set(b.exceeded.map((e) => e.period));
  const flat: Record<string, number> = {};
  for (const p of PERIODS) {
    flat[`${p}_used`] = used[p];
    flat[`${p}_percent`] = percent[p];
  }
  return {
    name: b.proxy,
    timezone: b.zone,
    enabled: b.config?.enabled ?? false,
    suspend_on_limit: b.config?.suspendOnLimit ?? false,
    scope: b.scope,
    nodes: b.nodes === null ? null : Object.fromEntries(Object.entries(b.nodes).map(([node, used]) => [node, byPeriod((p) => used[p])])),
    inbound_bytes: retained.bytesIn,
    outbound_bytes: retained.bytesOut,
    total_bytes: retained.bytesIn + retained.bytesOut,
    ...flat,
    limits: b.limits,
    periods: byPeriod((p) => ({
      start: isoInZone(b.usage[p].window.startMs, b.zone),
      end: isoInZone(b.usage[p].window.endMs, b.zone),
      used_bytes: used[p],
      inbound_bytes: b.usage[p].bytesIn,
      outbound_bytes: b.usage[p].bytesOut,
      limit_bytes: b.limits[p],
      percent: percent[p],
      exceeded: exceeded.has(p),
    })),
    suspended: b.suspension !== null,
    suspended_reason: b.suspension?.reason ?? null,
    suspended_until: b.suspension === null ? null : isoInZone(b.suspension.untilMs, b.zone),
  };
}
