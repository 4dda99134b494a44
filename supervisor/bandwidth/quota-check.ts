import type { BandwidthConfig } from '../../shared/config/resolved-types.js';
import { PERIODS, type Period, type PeriodWindow } from './quota-periods.js';

/** A period's traffic so far (both directions count against a limit). */
export interface PeriodUsage {
  window: PeriodWindow;
  bytesIn: number;
  bytesOut: number;
}

export type UsageByPeriod = Record<Period, PeriodUsage>;

export interface ExceededLimit {
  period: Period;
  usedBytes: number;
  limitBytes: number;
  /** When this period ends and its usage starts again from 0. */
  endMs: number;
}

/** Bytes per period; 0 = unlimited. */
export function limitsOf(config: BandwidthConfig | undefined): Record<Period, number> {
  return {
    hourly: config?.hourlyLimit ?? 0,
    daily: config?.dailyLimit ?? 0,
    weekly: config?.weeklyLimit ?? 0,
    monthly: config?.monthlyLimit ?? 0,
  };
}

export function usedBytes(usage: PeriodUsage): number {
  return usage.bytesIn + usage.bytesOut;
}

/** Periods whose limit is set and used up (used >= limit), shortest period first. */
export function exceededLimits(usage: UsageByPeriod, limits: Record<Period, number>): ExceededLimit[] {
  const exceeded: ExceededLimit[] = [];
  for (const period of PERIODS) {
    const limit = limits[period];
    const used = usedBytes(usage[period]);
    if (limit > 0 && used >= limit) exceeded.push({ period, usedBytes: used, limitBytes: limit, endMs: usage[period].window.endMs });
  }
  return exceeded;
}

/**
 * What operators read as the suspension reason. It names the periods and limits, not the
 * growing usage, so it stays the same for the whole suspension.
 */
export function suspensionReason(exceeded: ExceededLimit[]): string {
  const parts = exceeded.map((e) => `${e.period} limit of ${e.limitBytes} bytes`);
  return `bandwidth quota used up: ${parts.join(', ')}`;
}

/** A suspension lifts when every exceeded period has ended. */
export function suspendedUntil(exceeded: ExceededLimit[]): number {
  return Math.max(...exceeded.map((e) => e.endMs));
}

/** used / limit as a percentage with 2 decimals (may pass 100); 0 without a limit. */
export function percentOf(used: number, limit: number): number {
  return limit > 0 ? Math.round((used / limit) * 10_000) / 100 : 0;
}
