import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff } from '../../../supervisor/workers/restart-backoff.js';

test('restart delay doubles from 0.5 s up to 30 s', () => {
  const backoff = new RestartBackoff(() => 0);
  const delays = Array.from({ length: 9 }, () => backoff.next());
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('a worker that ran for a minute restarts fast again', () => {
  let now = 0;
  const backoff = new RestartBackoff(() => now);
  backoff.next();
  backoff.next();
  backoff.started();
  now += 61_000;
  assert.equal(backoff.next(), 500);
});

test('a worker that crashes soon after starting keeps backing off', () => {
  let now = 0;
  const backoff = new RestartBackoff(() => now);
  backoff.next();
  backoff.started();
  now += 5_000;
  assert.equal(backoff.next(), 1000);
});
