// A coarse clock for the data path: reading `coarseClock.now` costs a property load, where
// Date.now() on every chunk would cost a call. Idle timeouts only need ~100 ms resolution.
const TICK_MS = 100;

export const coarseClock = { now: Date.now() };

const timer = setInterval(() => {
  coarseClock.now = Date.now();
}, TICK_MS);
timer.unref();
