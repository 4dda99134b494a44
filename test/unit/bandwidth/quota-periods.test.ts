import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoInZone, periodWindow, periodWindows } from '../../../supervisor/bandwidth/quota-periods.js';
import { BUCKET_MS, bucketStart } from '../../../supervisor/bandwidth/usage-buckets.js';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);
const hours = (w: { startMs: number; endMs: number }): number => (w.endMs - w.startMs) / HOUR;

test('a day starts at local midnight and ends at the next one', () => {
  const w = periodWindow('daily', at('2026-06-15T03:30:00Z'), NY); // 23:30 on the 14th in New York
  assert.equal(isoInZone(w.startMs, NY), '2026-06-14T00:00:00.000-04:00');
  assert.equal(isoInZone(w.endMs, NY), '2026-06-15T00:00:00.000-04:00');
});

test('the spring-forward day in New York (2026-03-08) has 23 hours', () => {
  const w = periodWindow('daily', at('2026-03-08T17:00:00Z'), NY);
  assert.equal(isoInZone(w.startMs, NY), '2026-03-08T00:00:00.000-05:00');
  assert.equal(isoInZone(w.endMs, NY), '2026-03-09T00:00:00.000-04:00');
  assert.equal(hours(w), 23);
});

test('the fall-back day in New York (2026-11-01) has 25 hours', () => {
  const w = periodWindow('daily', at('2026-11-01T17:00:00Z'), NY);
  assert.equal(isoInZone(w.startMs, NY), '2026-11-01T00:00:00.000-04:00');
  assert.equal(isoInZone(w.endMs, NY), '2026-11-02T00:00:00.000-05:00');
  assert.equal(hours(w), 25);
});

test('the repeated 01:00 hour of a fall-back night is two separate hourly periods', () => {
  const first = periodWindow('hourly', at('2026-11-01T05:30:00Z'), NY);
  const second = periodWindow('hourly', at('2026-11-01T06:30:00Z'), NY);
  assert.equal(isoInZone(first.startMs, NY), '2026-11-01T01:00:00.000-04:00');
  assert.equal(isoInZone(second.startMs, NY), '2026-11-01T01:00:00.000-05:00');
  assert.equal(first.endMs, second.startMs);
  assert.equal(hours(first), 1);
});

test('weekly periods start on Monday 00:00 local, whatever the weekday now', () => {
  for (const now of ['2026-03-09T04:00:00Z', '2026-03-11T12:00:00Z', '2026-03-16T03:59:59Z']) {
    const w = periodWindow('weekly', at(now), NY);
    assert.equal(isoInZone(w.startMs, NY), '2026-03-09T00:00:00.000-04:00', now);
    assert.equal(isoInZone(w.endMs, NY), '2026-03-16T00:00:00.000-04:00', now);
  }
  // Sunday 23:59 local still belongs to the week that began the Monday before.
  const sunday = periodWindow('weekly', at('2026-03-09T03:59:00Z'), NY);
  assert.equal(isoInZone(sunday.startMs, NY), '2026-03-02T00:00:00.000-05:00');
  assert.equal(new Date(sunday.startMs).getUTCDay(), 1);
});

test('the week holding the spring-forward day has 167 hours', () => {
  const w = periodWindow('weekly', at('2026-03-08T12:00:00Z'), NY);
  assert.equal(isoInZone(w.startMs, NY), '2026-03-02T00:00:00.000-05:00');
  assert.equal(hours(w), 7 * 24 - 1);
});

test('monthly periods start on the 1st 00:00 local, and March 2026 in New York has 743 hours', () => {
  const w = periodWindow('monthly', at('2026-03-31T12:00:00Z'), NY);
  assert.equal(isoInZone(w.startMs, NY), '2026-03-01T00:00:00.000-05:00');
  assert.equal(isoInZone(w.endMs, NY), '2026-04-01T00:00:00.000-04:00');
  assert.equal(hours(w), 31 * 24 - 1);
  // 23:30 on the 31st local is 03:30 UTC on April 1st: still March.
  assert.equal(periodWindow('monthly', at('2026-04-01T03:30:00Z'), NY).startMs, w.startMs);
});

test('in a +5:30 zone the hour and the day start at :30 UTC', () => {
  const w = periodWindows(at('2026-03-11T12:10:00Z'), 'Asia/Kolkata');
  assert.equal(new Date(w.hourly.startMs).toISOString(), '2026-03-11T11:30:00.000Z');
  assert.equal(new Date(w.daily.startMs).toISOString(), '2026-03-10T18:30:00.000Z');
});

test('every period boundary in a +5:45 zone falls on a quarter-hour bucket boundary', () => {
  const w = periodWindows(at('2026-03-11T12:10:00Z'), 'Asia/Kathmandu');
  for (const window of Object.values(w)) {
    assert.equal(bucketStart(window.startMs), window.startMs);
    assert.equal(window.startMs % BUCKET_MS, 0);
  }
});

test('where midnight does not exist (a DST jump at 00:00), the day starts at 01:00 and the next at midnight', () => {
  const zone = 'America/Santiago';
  const w = periodWindow('daily', at('2026-09-06T15:00:00Z'), zone);
  assert.equal(isoInZone(w.startMs, zone), '2026-09-06T01:00:00.000-03:00');
  assert.equal(isoInZone(w.endMs, zone), '2026-09-07T00:00:00.000-03:00');
});

test('UTC periods are the plain UTC hour, day, ISO week and month', () => {
  const w = periodWindows(at('2026-02-28T23:59:59.999Z'), 'UTC');
  assert.equal(new Date(w.hourly.startMs).toISOString(), '2026-02-28T23:00:00.000Z');
  assert.equal(new Date(w.daily.endMs).toISOString(), '2026-03-01T00:00:00.000Z');
  assert.equal(new Date(w.weekly.startMs).toISOString(), '2026-02-23T00:00:00.000Z');
  assert.equal(new Date(w.monthly.endMs).toISOString(), '2026-03-01T00:00:00.000Z');
});

test('buckets are quarter hours aligned to UTC', () => {
  assert.equal(bucketStart(at('2026-03-11T12:14:59.999Z')), at('2026-03-11T12:00:00Z'));
  assert.equal(bucketStart(at('2026-03-11T12:15:00Z')), at('2026-03-11T12:15:00Z'));
});
