import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const WINDOW_SECONDS = 10;

/**
 * The supervisor's event-loop lag: how late a timer ran, as Node's event-loop delay histogram
 * measures it, kept as the worst of each of the last 10 seconds. Whatever holds the loop (a
 * request handled inline, a synchronous file read, a long GC) shows here, because API answers
 * and the restart of a crashed worker wait for the same loop.
 *
 * Two histograms, each reset every other second: a histogram's first tick after a reset records
 * nothing, so a stall that ends with the reset running before that tick (the once-a-second timer
 * and the histogram's are both overdue then) is lost to it, but recorded by the other one.
 */
export class EventLoopLag {
  private readonly histograms: IntervalHistogram[] = [monitorEventLoopDelay({ resolution: 10 }), monitorEventLoopDelay({ resolution: 10 })];
  private readonly seconds = new Float64Array(WINDOW_SECONDS);
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    if (this.timer !== null) return;
    for (const histogram of this.histograms) histogram.enable();
    this.timer = setInterval(() => this.rotate(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const histogram of this.histograms) histogram.disable();
  }

  /** The longest delay in the last 10 s (up to 11 s), in whole milliseconds (rounded up). */
  get maxMs(): number {
    let worst = this.currentMs();
    for (const ms of this.seconds) worst = Math.max(worst, ms);
    return Math.ceil(worst);
  }

  private currentMs(): number {
    // A histogram's max is in nanoseconds; before its first sample it reports 0.
    return Math.max(...this.histograms.map((h) => (h.count > 0 ? h.max / 1e6 : 0)));
  }

  private rotate(): void {
    this.seconds[this.next] = this.currentMs();
    this.histograms[this.next % 2]!.reset();
    this.next = (this.next + 1) % WINDOW_SECONDS;
  }
}
