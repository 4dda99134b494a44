// What the L7 layer counts between two reports: new connections, sessions and datagrams it
// blocked, per reason, and the events it recorded, per type. Plain objects bumped in place and
// drained once a second into the worker's report.

export type CountsByName = Record<string, number>;

export class L7Counters {
  blocked: CountsByName = {};
  events: CountsByName = {};
  /** Event records that did not fit in a second's batch (counted, not sent). */
  eventsDropped = 0;

  block(reason: string): void {
    this.blocked[reason] = (this.blocked[reason] ?? 0) + 1;
  }

  event(type: string): void {
    this.events[type] = (this.events[type] ?? 0) + 1;
  }

  /** The deltas since the last call; counting starts again from zero. */
  take(): { blocked: CountsByName; events: CountsByName } {
    const taken = { blocked: this.blocked, events: this.events };
    this.blocked = {};
    this.events = {};
    return taken;
  }
}
