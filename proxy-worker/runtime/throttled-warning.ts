import type { WorkerLogger } from './worker-logger.js';

const WINDOW_MS = 10_000;

/**
 * A warning that can fire per packet under attack: the first occurrence is logged at once, then
 * at most one line per window carrying how many occurrences it stands for.
 */
export class ThrottledWarning {
  private lastLoggedAt = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: WorkerLogger,
    private readonly message: string,
    private readonly level: 'warn' | 'error' = 'warn',
  ) {}

  hit(fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < WINDOW_MS) {
      this.suppressed++;
      return;
    }
    this.logger.log(this.level, this.message, { ...fields, occurrences: this.suppressed + 1 });
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }
}
