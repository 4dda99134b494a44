import { RestartBackoff } from '../workers/restart-backoff.js';

/** What one retry found: keep trying, or stop (bound at last, or nothing left to do). */
export type BindAttempt = 'retry' | 'done';

/**
 * Retries a proxy's failed binds (a port still held by a predecessor or by another program):
 * 0.5 s doubling to 30 s, the crash backoff's curve, until an attempt says `done`.
 */
export class BindRetry {
  private timer: NodeJS.Timeout | null = null;
  private backoff = new RestartBackoff();

  constructor(private readonly attempt: () => BindAttempt) {}

  schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.attempt() === 'retry') this.schedule();
    }, this.backoff.next());
  }

  /** Every bind succeeded: the next failure starts again from the shortest delay. */
  reset(): void {
    this.cancel();
    this.backoff = new RestartBackoff();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
