// Durations as Go writes them ("500ms", "1m30s", "1.5h") or a bare number of seconds, parsed to
// milliseconds. Negative durations are refused: every duration in the config is a length of time.
import { fail, ok, type Parsed } from './parsed.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu: Go accepts both spellings
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Node's timers overflow above 2^31-1 ms (and then fire after 1 ms), so no duration may exceed it. */
export const MAX_DURATION_MS = 2_147_483_647;

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)/;
const UNIT = /^[^\d.]+/;
const NUMERIC_STRING = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Parses a duration to milliseconds: `"5s"` → 5000, `"1m30s"` → 90000, `2` → 2000 (seconds). */
export function parseDuration(input: string | number): Parsed<number> {
  if (typeof input === 'number') return fromSeconds(input, String(input));
  const text = input.trim();
  if (text === '') return fail('must not be empty (write a duration like "5s")');
  if (text.startsWith('-')) return fail(`must not be negative (got "${text}")`);
  if (NUMERIC_STRING.test(text)) return fromSeconds(Number(text), text);
  return parseUnits(text);
}

function fromSeconds(seconds: number, text: string): Parsed<number> {
  if (Number.isNaN(seconds)) return fail('must be a duration, not NaN');
  if (seconds < 0) return fail(`must not be negative (got ${text})`);
  return withinRange(seconds * 1000, text);
}

function parseUnits(text: string): Parsed<number> {
  let rest = text;
  let totalMs = 0;
  while (rest !== '') {
    const number = NUMBER.exec(rest)?.[0];
    if (number === undefined) {
      return fail(`invalid duration "${text}": expected a number followed by a unit, like "5s" or "1m30s"`);
    }
    rest = rest.slice(number.length);
    const unit = UNIT.exec(rest)?.[0];
    if (unit === undefined) return fail(`invalid duration "${text}": missing unit after "${number}"`);
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) {
      return fail(`invalid duration "${text}": unknown unit "${unit}" (use ns, us, ms, s, m or h)`);
    }
    rest = rest.slice(unit.length);
    totalMs += Number(number) * unitMs;
  }
  return withinRange(totalMs, text);
}

function withinRange(ms: number, text: string): Parsed<number> {
  if (!(ms <= MAX_DURATION_MS)) {
    return fail(`"${text}" is too long: the longest duration is ${formatDuration(MAX_DURATION_MS)}`);
  }
  // Round to whole nanoseconds so "1.1s" is 1100, not 1100.0000000000002.
  return ok(Math.round(ms * 1e6) / 1e6);
}

/**
 * Formats milliseconds the way Go would accept them, without zero parts:
 * 90000 → "1m30s", 5400000 → "1h30m", 500 → "500ms", 0 → "0s".
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1) return ms * 1000 >= 1 ? `${trim(ms * 1000)}us` : `${trim(ms * 1e6)}ns`;
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return (hours > 0 ? `${hours}h` : '') + (minutes > 0 ? `${minutes}m` : '') + (seconds > 0 ? `${trim(seconds)}s` : '');
}

/** At most nine decimals, trailing zeros dropped: 1.5 → "1.5", 23.647 → "23.647". */
function trim(value: number): string {
  return String(Number(value.toFixed(9)));
}
