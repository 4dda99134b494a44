import { DateTime } from 'luxon';

export const PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

/** One quota period: [startMs, endMs) in Unix ms. */
export interface PeriodWindow {
  period: Period;
  startMs: number;
  endMs: number;
}

const UNIT = { hourly: 'hour', daily: 'day', weekly: 'week', monthly: 'month' } as const;

/**
 * The period containing `nowMs` in the IANA zone `zone`: the top of the local hour, local
 * midnight, Monday 00:00 (ISO weeks) or the 1st 00:00. Calendar arithmetic in the zone makes
 * DST days 23 or 25 hours long; where local midnight does not exist (a DST jump at 00:00) the
 * day starts at the first local time that does.
 */
export function periodWindow(period: Period, nowMs: number, zone: string): PeriodWindow {
  const unit = UNIT[period];
  const start = DateTime.fromMillis(nowMs, { zone }).startOf(unit);
  // startOf again: a day that began late (DST gap at midnight) must not shift the next one.
  const end = start.plus({ [`${unit}s`]: 1 }).startOf(unit);
  return { period, startMs: start.toMillis(), endMs: end.toMillis() };
}

export function periodWindows(nowMs: number, zone: string): Record<Period, PeriodWindow> {
  return {
    hourly: periodWindow('hourly', nowMs, zone),
    daily: periodWindow('daily', nowMs, zone),
    weekly: periodWindow('weekly', nowMs, zone),
    monthly: periodWindow('monthly', nowMs, zone),
  };
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2026-03-08T00:00:00.000-05:00`. */
export function isoInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO()!;
}
