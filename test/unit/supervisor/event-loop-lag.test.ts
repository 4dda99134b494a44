import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoopLag } from '../../../supervisor/stats/event-loop-lag.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Holds the event loop for `ms`, as a long synchronous step would. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('a stall that spans the once-a-second rotation is never lost, and is forgotten after 10 s', async (t) => {
  // Twelve gauges started 2 ms apart: one 200 ms stall covers every one's rotation, each at
  // another point of its histograms' 10 ms ticks (the order the overdue timers then run in varies).
  const gauges = Array.from({ length: 12 }, () => {
    const gauge = new EventLoopLag();
    gauge.start();
    block(2);
    return gauge;
  });
  t.after(() => gauges.forEach((g) => g.stop()));
  await new Promise((resolve) => setTimeout(resolve, 975));
  const stalledAt = performance.now();
  block(200);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const seen = gauges.map((g) => g.maxMs);
  assert.ok(seen.every((ms) => ms >= 200 && ms < 400), `each gauge's lag after a 200 ms stall: ${seen.join(', ')} ms`);

  const forgotten = await waitFor('the stall forgotten', () => gauges[0]!.maxMs < 100 && performance.now() - stalledAt, { timeoutMs: 13_000, intervalMs: 100 });
  assert.ok(forgotten >= 10_000 && forgotten < 12_500, `forgotten ${Math.round(forgotten)} ms after the stall`);
});
