// What a proxy's controller needs from the supervisor's L7 side: the ban list to give a worker it
// starts, and where to take the bans and events its worker reports.
import type { Ban } from '../../shared/bans/ban.js';
import type { L7Event } from '../../shared/l7/l7-event.js';

export interface L7Link {
  bans(): Ban[];
  banRequested(proxy: string, target: string, durationMs: number, reason: string): void;
  eventsRecorded(proxy: string, events: L7Event[], dropped: number): void;
}

/** For controllers used without a supervisor (unit tests): no bans, nothing kept. */
export const NO_L7_LINK: L7Link = {
  bans: () => [],
  banRequested: () => undefined,
  eventsRecorded: () => undefined,
};
