import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../../shared/config/duration.js';
import type { Parsed } from '../../../shared/config/parsed.js';

function msOf(input: string | number): number {
  const parsed = parseDuration(input);
  assert.ok(parsed.ok, `expected "${input}" to parse, got: ${parsed.ok ? '' : parsed.error}`);
  return parsed.value;
}

function errorOf(parsed: Parsed<unknown>): string {
  assert.equal(parsed.ok, false);
  return parsed.ok ? '' : parsed.error;
}

describe('parseDuration', () => {
  it('reads Go duration strings', () => {
    assert.equal(msOf('500ms'), 500);
    assert.equal(msOf('5s'), 5_000);
    assert.equal(msOf('1m30s'), 90_000);
    assert.equal(msOf('1h30m'), 5_400_000);
    assert.equal(msOf('1.5h'), 5_400_000);
    assert.equal(msOf('1.1s'), 1_100);
    assert.equal(msOf('.5s'), 500);
    assert.equal(msOf('1500us'), 1.5);
    assert.equal(msOf('1500µs'), 1.5);
    assert.equal(msOf('2000000ns'), 2);
    assert.equal(msOf('1h0m5s'), 3_605_000);
  });

  it('reads a bare number as seconds', () => {
    assert.equal(msOf(30), 30_000);
    assert.equal(msOf(1.5), 1_500);
    assert.equal(msOf('30'), 30_000);
  });

  it('accepts zero in every form', () => {
    assert.equal(msOf(0), 0);
    assert.equal(msOf('0'), 0);
    assert.equal(msOf('0s'), 0);
  });

  it('refuses negative durations', () => {
    assert.equal(errorOf(parseDuration('-3s')), 'must not be negative (got "-3s")');
    assert.equal(errorOf(parseDuration(-1)), 'must not be negative (got -1)');
  });

  it('names an unknown unit and lists the valid ones', () => {
    assert.equal(errorOf(parseDuration('5sec')), 'invalid duration "5sec": unknown unit "sec" (use ns, us, ms, s, m or h)');
    assert.equal(errorOf(parseDuration('1d')), 'invalid duration "1d": unknown unit "d" (use ns, us, ms, s, m or h)');
  });

  it('says when a unit is missing after a number', () => {
    assert.equal(errorOf(parseDuration('1h30')), 'invalid duration "1h30": missing unit after "30"');
  });

  it('refuses text that is not a duration', () => {
    assert.equal(errorOf(parseDuration('abc')), 'invalid duration "abc": expected a number followed by a unit, like "5s" or "1m30s"');
    assert.equal(errorOf(parseDuration('')), 'must not be empty (write a duration like "5s")');
    assert.match(errorOf(parseDuration('s')), /expected a number followed by a unit/);
  });

  it('refuses durations longer than a Node.js timer can run', () => {
    assert.equal(errorOf(parseDuration('600h')), '"600h" is too long: the longest duration is 596h31m23.647s');
    assert.match(errorOf(parseDuration(Infinity)), /too long/);
    assert.equal(msOf('596h31m23.647s'), 2_147_483_647);
  });
});

describe('formatDuration', () => {
  it('writes the shortest Go-style string', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(1_500), '1.5s');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(formatDuration(3_605_000), '1h5s');
    assert.equal(formatDuration(0.5), '500us');
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 250, 1_000, 59_999, 61_000, 3_599_999, 7_200_500, 2_147_483_647]) {
      assert.equal(msOf(formatDuration(ms)), ms, `round trip of ${ms}`);
    }
  });
});
