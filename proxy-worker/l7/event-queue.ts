// L7 events waiting for the next once-a-second message to the supervisor. Bounded: under a
// flood, a second's first MAX_EVENTS_PER_REPORT events are sent and the rest only counted.
import type { L7Event } from '../../shared/l7/l7-event.js';

export const MAX_EVENTS_PER_REPORT = 1000;

export class EventQueue {
  private events: L7Event[] = [];
  private dropped = 0;

  push(event: L7Event): void {
    if (this.events.length < MAX_EVENTS_PER_REPORT) this.events.push(event);
    else this.dropped++;
  }

  get empty(): boolean {
    return this.events.length === 0 && this.dropped === 0;
  }

  take(): { events: L7Event[]; dropped: number } {
    const taken = { events: this.events, dropped: this.dropped };
    this.events = [];
    this.dropped = 0;
    return taken;
  }
}
