const INITIAL_MS = 500;
const MAX_MS = 30_000;
/** A worker that stayed up this long is considered healthy again: the next crash restarts fast. */
const HEALTHY_AFTER_MS = 60_000;

/** Exponential restart delay: 0.5 s doubling to 30 s, reset after a minute of healthy running. */
export class RestartBackoff {
  private nextDelayMs = INITIAL_MS;
  private startedAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  started(): void {
    this.startedAt = this.now();
  }

  next(): number {
    if (this.startedAt !== null && this.now() - this.startedAt >= HEALTHY_AFTER_MS) this.nextDelayMs = INITIAL_MS;
    this.startedAt = null;
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.nextDelayMs * 2, MAX_MS);
    return delay;
  }
}
