/**
 * Where the supervisor's time-based features (metric flushes, bandwidth periods) read "now".
 * Tests pass their own clock to move across hour, midnight and DST boundaries without waiting.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
