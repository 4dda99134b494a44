// A token bucket counted in bytes: `rate` tokens per second flow in, up to `capacity` (rate ×
// burst_multiplier); it starts full. A rate of 0 means no limit (a limit turned off live). TCP takes what it has already read and may go into debt
// (the reader then pauses until the debt is repaid); UDP takes only what is there (a datagram
// that does not fit is dropped). Time comes from the caller, in milliseconds.

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private rate: number,
    private capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** New limits for a live bucket; what it holds is kept, within the new capacity. */
  setLimits(rate: number, capacity: number): void {
    this.rate = rate;
    this.capacity = rate <= 0 ? Number.POSITIVE_INFINITY : capacity;
    if (this.tokens > this.capacity) this.tokens = this.capacity;
  }

  /** Takes `n` tokens, into debt if need be. Returns how long until the debt is repaid (0: none). */
  take(n: number, now: number): number {
    this.refill(now);
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }

  /** Takes `n` tokens if the bucket holds them. */
  tryTake(n: number, now: number): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Whether `n` tokens are there now (takes nothing). */
  canTake(n: number, now: number): boolean {
    this.refill(now);
    return this.tokens >= n;
  }

  /** Milliseconds until the balance is back to zero or more. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }

  /** Whether the bucket is full again: nothing would change if it were forgotten. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    if (this.rate <= 0) {
      this.tokens = Number.POSITIVE_INFINITY;
      return;
    }
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.updatedAt = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.rate) / 1000);
  }
}
