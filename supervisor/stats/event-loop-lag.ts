import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const WINDOW_SECONDS = 10;

/**
 * The supervisor's event-loop lag: how late a timer ran, as Node's event-loop delay histogram
 * measures it, kept as the worst of each of the last 10 seconds. Whatever holds the loop (a
 * request handled inline, a synchronous file read, a long GC) shows here, because API answers
 * and the restart of a crashed worker wait for the same loop.
 */
export class EventLoopLag {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly seconds = new Float64Array(WINDOW_SECONDS);
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    if (this.timer !== null) return;
    this.histogram.enable();
    this.timer = setInterval(() => this.rotate(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
  }

  /** The longest delay in the last 10 s, in whole milliseconds (rounded up). */
  get maxMs(): number {
    let worst = this.currentMs();
    for (const ms of this.seconds) worst = Math.max(worst, ms);
    return Math.ceil(worst);
  }

  private currentMs(): number {
    // The histogram's max is in nanoseconds; before its first sample it reports 0.
    return this.histogram.count > 0 ? this.histogram.max / 1e6 : 0;
  }

  private rotate(): void {
    this.seconds[this.next] = this.currentMs();
    this.next = (this.next + 1) % WINDOW_SECONDS;
    this.histogram.reset();
  }
}
