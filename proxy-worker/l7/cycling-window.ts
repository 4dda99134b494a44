// Connection cycling: the times of one IP's most recent new connections (and new UDP sessions),
// kept in a ring just big enough to tell whether the latest one is the (max + 1)-th within the
// window. Exact, O(1) per connection, and no bigger than the limit needs.

export class CyclingWindow {
  private times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(private maxInWindow: number) {
    this.times = new Float64Array(Math.min(maxInWindow + 1, 8));
  }

  /** Records a connection at `now`; true when it makes more than `maxInWindow` within `windowMs`. */
  record(now: number, windowMs: number, maxInWindow: number): boolean {
    if (maxInWindow !== this.maxInWindow) this.reset(maxInWindow);
    if (this.count === this.times.length && this.times.length < maxInWindow + 1) this.grow();
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    if (this.count < this.times.length) this.count++;
    if (this.count < maxInWindow + 1) return false;
    // The ring holds exactly max + 1 times; `next` now points at the oldest of them.
    return now - this.times[this.next]! < windowMs;
  }

  /** The most recent connection time, or -Infinity when none. */
  get latest(): number {
    return this.count === 0 ? -Infinity : this.times[(this.next - 1 + this.times.length) % this.times.length]!;
  }

  private grow(): void {
    const size = Math.min(this.maxInWindow + 1, this.times.length * 2);
    const grown = new Float64Array(size);
    // Unroll the ring oldest first; `next` is then the first free slot.
    for (let i = 0; i < this.count; i++) grown[i] = this.times[(this.next + i) % this.times.length]!;
    this.times = grown;
    this.next = this.count;
  }

  private reset(maxInWindow: number): void {
    this.maxInWindow = maxInWindow;
    this.times = new Float64Array(Math.min(maxInWindow + 1, 8));
    this.next = 0;
    this.count = 0;
  }
}
