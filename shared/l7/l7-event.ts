// One L7 event as a worker records it and the supervisor stores it (the last 10,000, in SQLite)
// and serves it (`GET /api/l7/events`).

/** What RouteX did about it. */
export type L7Action = 'rejected' | 'dropped' | 'closed' | 'ended' | 'throttled' | 'banned';

export interface L7Event {
  atMs: number;
  ip: string;
  /** An L7 event name (`invalid_protocol`, `handshake_timeout`, …) or `banned`. */
  type: string;
  /** Points this event added to the IP's score (0 when scoring is off or the event scores 0). */
  points: number;
  action: L7Action;
  detail: string;
  protocol: 'tcp' | 'udp';
}
