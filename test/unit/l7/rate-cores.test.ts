import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../../proxy-worker/l7/token-bucket.js';
import { CyclingWindow } from '../../../proxy-worker/l7/cycling-window.js';
import { ScoreLedger } from '../../../proxy-worker/l7/score-ledger.js';
import { AmplificationMeter } from '../../../proxy-worker/l7/amplification-meter.js';
import { ReceiveRate, RECEIVE_RATE_WINDOW_MS } from '../../../proxy-worker/l7/receive-rate.js';

test('token bucket: starts full, refills at the rate, caps at the capacity', () => {
  const bucket = new TokenBucket(1000, 2000, 0);
  assert.equal(bucket.tryTake(2000, 0), true);
  assert.equal(bucket.tryTake(1, 0), false);
  assert.equal(bucket.tryTake(500, 500), true);
  assert.equal(bucket.isFull(10_000), true);
  assert.equal(bucket.tryTake(2001, 10_000), false);
});

test('token bucket: TCP takes into debt and learns how long to wait', () => {
  const bucket = new TokenBucket(1000, 1000, 0);
  assert.equal(bucket.take(1000, 0), 0);
  assert.equal(bucket.take(500, 0), 500);
  assert.equal(bucket.waitMs(250), 250);
  assert.equal(bucket.waitMs(500), 0);
});

test('token bucket: a sustained push gets the rate, not the push', () => {
  const bucket = new TokenBucket(1_000_000, 1_000_000, 0);
  let now = 0;
  let sent = 0;
  // A sender that writes 64 KiB whenever it is allowed, for 10 simulated seconds.
  while (now < 10_000) {
    const wait = bucket.take(65_536, now);
    sent += 65_536;
    now += Math.max(1, wait);
  }
  const rate = (sent - 1_000_000) / 10;
  assert.ok(Math.abs(rate - 1_000_000) < 70_000, `rate ${rate}`);
});

test('token bucket: new limits keep what it holds, within the new capacity', () => {
  const bucket = new TokenBucket(1000, 5000, 0);
  bucket.setLimits(100, 100);
  assert.equal(bucket.tryTake(101, 0), false);
  assert.equal(bucket.tryTake(100, 0), true);
});

test('cycling: the (max + 1)-th connection within the window is over the limit', () => {
  const window = new CyclingWindow(3);
  assert.deepEqual([0, 10, 20].map((t) => window.record(t, 1000, 3)), [false, false, false]);
  assert.equal(window.record(30, 1000, 3), true);
});

test('cycling: connections spread over more than the window never trip it', () => {
  const window = new CyclingWindow(5);
  for (let i = 0; i < 100; i++) assert.equal(window.record(i * 250, 1000, 5), false, `connection ${i}`);
});

test('cycling: the ring grows to the limit and stays exact past it', () => {
  const window = new CyclingWindow(30);
  for (let i = 0; i < 30; i++) assert.equal(window.record(i, 10_000, 30), false);
  assert.equal(window.record(30, 10_000, 30), true);
  // Long after: the oldest of the last 31 is out of the window.
  for (let i = 0; i < 30; i++) window.record(50_000 + i * 1000, 10_000, 30);
  assert.equal(window.record(81_000, 10_000, 30), false);
  assert.equal(window.latest, 81_000);
});

test('cycling: a changed limit starts counting again', () => {
  const window = new CyclingWindow(2);
  window.record(0, 1000, 2);
  window.record(1, 1000, 2);
  assert.equal(window.record(2, 1000, 5), false);
});

test('score: points add up within the window and age out of it', () => {
  const ledger = new ScoreLedger();
  assert.equal(ledger.add(30, 0, 10_000), 30);
  assert.equal(ledger.add(30, 5000, 10_000), 60);
  assert.equal(ledger.add(30, 10_000, 10_000), 60);
  assert.equal(ledger.total(20_000, 10_000), 0);
});

test('score: many small offences spread thin never reach a threshold', () => {
  const ledger = new ScoreLedger();
  let highest = 0;
  for (let t = 0; t < 600_000; t += 2000) highest = Math.max(highest, ledger.add(5, t, 30_000));
  assert.equal(highest, 75);
});

test('amplification: answers within the ratio pass, a flood of answers trips it', () => {
  const meter = new AmplificationMeter(5000);
  meter.request(100, 0);
  assert.equal(meter.response(900, 10, 10), false);
  assert.equal(meter.response(200, 20, 10), true);
});

test('amplification: old requests leave the window, and with them the allowance', () => {
  const meter = new AmplificationMeter(1000);
  meter.request(1000, 0);
  assert.equal(meter.response(5000, 100, 10), false);
  // 2 s later the request is out of the 1 s window; so is the earlier answer.
  meter.request(10, 2000);
  assert.equal(meter.response(50, 2000, 10), false);
  assert.equal(meter.response(100, 2001, 10), true);
});

test('amplification: a request just before a slice boundary still covers its answer', () => {
  const meter = new AmplificationMeter(5000);
  meter.request(25, 499);
  assert.equal(meter.response(200, 501, 10), false);
});

test('receive rate: judged once per window, on the average of that window', () => {
  const rate = new ReceiveRate(0, 0);
  assert.equal(rate.tooSlow(RECEIVE_RATE_WINDOW_MS - 1, 0, 64), false);
  assert.equal(rate.tooSlow(RECEIVE_RATE_WINDOW_MS, 700, 64), false);
  assert.equal(rate.tooSlow(2 * RECEIVE_RATE_WINDOW_MS, 700 + 630, 64), true);
});

test('receive rate: a window in which RouteX paused the reads is excused', () => {
  const rate = new ReceiveRate(0, 0);
  rate.excuse();
  assert.equal(rate.tooSlow(RECEIVE_RATE_WINDOW_MS, 0, 64), false);
  assert.equal(rate.tooSlow(2 * RECEIVE_RATE_WINDOW_MS, 0, 64), true);
});
