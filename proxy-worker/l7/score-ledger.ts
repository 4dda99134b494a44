// Behavioural scoring for one IP: each offence's points, with the time it was added. Points
// older than the score window no longer count, so an IP that misbehaves once in a while never
// adds up to a ban; the total is kept as points come and go, so reading it is O(1).

export class ScoreLedger {
  private readonly at: number[] = [];
  private readonly points: number[] = [];
  private head = 0;
  private sum = 0;

  /** Adds `points` at `now`; returns the total of the last `windowMs`. */
  add(points: number, now: number, windowMs: number): number {
    this.expire(now, windowMs);
    this.at.push(now);
    this.points.push(points);
    this.sum += points;
    return this.sum;
  }

  total(now: number, windowMs: number): number {
    this.expire(now, windowMs);
    return this.sum;
  }

  clear(): void {
    this.at.length = this.points.length = 0;
    this.head = this.sum = 0;
  }

  private expire(now: number, windowMs: number): void {
    while (this.head < this.at.length && now - this.at[this.head]! >= windowMs) {
      this.sum -= this.points[this.head]!;
      this.head++;
    }
    if (this.head === this.at.length) {
      this.clear();
    } else if (this.head > 32 && this.head * 2 > this.at.length) {
      this.at.splice(0, this.head);
      this.points.splice(0, this.head);
      this.head = 0;
    }
  }
}
