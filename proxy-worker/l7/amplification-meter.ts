// Amplification on one UDP session: bytes the client sent and bytes the upstream answered over
// the last `window`, in ten slices so old traffic leaves the sums smoothly. A request and its
// answer land in the same window however they straddle a slice boundary.

const SLICES = 10;

export class AmplificationMeter {
  private readonly requests = new Float64Array(SLICES);
  private readonly responses = new Float64Array(SLICES);
  private requestSum = 0;
  private responseSum = 0;
  /** Index (now / slice length) of the slice being filled. */
  private current = -1;

  private sliceMs: number;

  constructor(private windowMs: number) {
    this.sliceMs = Math.max(1, windowMs / SLICES);
  }

  /** A new window length; the sums start over (an unchanged one keeps them). */
  setWindow(windowMs: number): void {
    if (windowMs === this.windowMs) return;
    this.windowMs = windowMs;
    this.sliceMs = Math.max(1, windowMs / SLICES);
    this.requests.fill(0);
    this.responses.fill(0);
    this.requestSum = this.responseSum = 0;
    this.current = -1;
  }

  request(bytes: number, now: number): void {
    const slot = this.advance(now);
    this.requests[slot]! += bytes;
    this.requestSum += bytes;
  }

  /** Counts an answer; true when the window's answers exceed `ratio` times its requests. */
  response(bytes: number, now: number, ratio: number): boolean {
    const slot = this.advance(now);
    this.responses[slot]! += bytes;
    this.responseSum += bytes;
    return this.responseSum > ratio * this.requestSum;
  }

  private advance(now: number): number {
    const index = Math.floor(now / this.sliceMs);
    if (this.current === -1) this.current = index;
    const steps = Math.min(SLICES, index - this.current);
    for (let i = 1; i <= steps; i++) {
      const slot = (this.current + i) % SLICES;
      this.requestSum -= this.requests[slot]!;
      this.responseSum -= this.responses[slot]!;
      this.requests[slot] = this.responses[slot] = 0;
    }
    if (index > this.current) this.current = index;
    return this.current % SLICES;
  }
}
