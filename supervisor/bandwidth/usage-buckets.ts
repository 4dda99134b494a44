/**
 * Bandwidth usage is stored in UTC-aligned quarter-hour buckets. Every zone in use today is
 * offset from UTC by a multiple of 15 minutes (India +5:30, Nepal +5:45, Chatham +12:45), so
 * every local top of the hour, midnight, Monday and 1st falls on a bucket boundary and period
 * sums are exact in any zone. Buckets do not depend on the zone: changing `timezone` only moves
 * the period boundaries, never misfiles stored usage.
 */
export const BUCKET_MS = 15 * 60_000;

/** Kept for 32 days: a whole 31-day month, plus the extra hour of a DST fall-back in it. */
export const BUCKET_RETENTION_MS = 32 * 24 * 3_600_000;

export function bucketStart(ms: number): number {
  return ms - (((ms % BUCKET_MS) + BUCKET_MS) % BUCKET_MS);
}
