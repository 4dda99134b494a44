// min_recv_rate_bps: after its first bytes, a TCP client must keep sending at least this many
// bytes per second on average over each RECEIVE_RATE_WINDOW_MS. Windows where RouteX itself
// stopped reading (the upstream was slow, or the payload rate limit paused the client) do not
// count against the client.

export const RECEIVE_RATE_WINDOW_MS = 10_000;

export class ReceiveRate {
  private windowStart: number;
  private bytesAtStart: number;
  private excused = false;

  constructor(now: number, bytesIn: number) {
    this.windowStart = now;
    this.bytesAtStart = bytesIn;
  }

  /** The window in progress will not be judged (reads were paused by RouteX during it). */
  excuse(): void {
    this.excused = true;
  }

  /** At the end of each window: true when the client sent less than `minBps` on average. */
  tooSlow(now: number, bytesIn: number, minBps: number): boolean {
    const elapsed = now - this.windowStart;
    if (elapsed < RECEIVE_RATE_WINDOW_MS) return false;
    const received = bytesIn - this.bytesAtStart;
    const slow = !this.excused && (received * 1000) / elapsed < minBps;
    this.windowStart = now;
    this.bytesAtStart = bytesIn;
    this.excused = false;
    return slow;
  }
}
