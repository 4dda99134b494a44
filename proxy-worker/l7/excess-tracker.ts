// "Sustained excess" for the payload rate limit: a connection or session that keeps running
// over its rate, with no second-long break, for SUSTAINED_EXCESS_MS raises one event, and then
// at most one per SUSTAINED_EXCESS_MS while it goes on. Short bursts raise nothing.

export const SUSTAINED_EXCESS_MS = 5000;
/** A pause this long without excess ends the streak. */
const BREAK_MS = 1000;

export class ExcessTracker {
  private since = 0;
  private lastAt = 0;
  private reportedAt = 0;

  /** Counts an excess at `nowMs`; true when it is time to raise the event. */
  hit(nowMs: number): boolean {
    if (this.since === 0 || nowMs - this.lastAt > BREAK_MS) this.since = nowMs;
    this.lastAt = nowMs;
    if (nowMs - this.since < SUSTAINED_EXCESS_MS || nowMs - this.reportedAt < SUSTAINED_EXCESS_MS) return false;
    this.reportedAt = nowMs;
    return true;
  }
}
