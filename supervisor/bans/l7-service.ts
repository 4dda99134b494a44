// The supervisor's L7 side: the one ban list (loaded before any worker starts, so every worker
// starts with it), pushed to every worker on each change; and the event log the workers feed.
import type { Ban } from '../../shared/bans/ban.js';
import type { L7Event } from '../../shared/l7/l7-event.js';
import type { CommandMessage } from '../../shared/ipc/protocol.js';
import type { StateStore } from '../store/state-store.js';
import type { L7EventQuery, StoredL7Event } from '../store/l7-event-store.js';
import { BanList } from './ban-list.js';
import type { BanStore } from './ban-store.js';
import { banDisplayTarget } from '../../shared/bans/ban.js';
import type { SupervisorEvents } from '../events/supervisor-events.js';
import type { L7Link } from './l7-link.js';

interface L7Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A dropped-events warning at most this often. */
const DROPPED_WARNING_MS = 60_000;

export class L7Service implements L7Link {
  readonly banList: BanList;
  private lastDroppedWarning = 0;

  constructor(
    private readonly store: StateStore,
    private readonly logger: L7Logger,
    private readonly broadcast: (message: CommandMessage) => void,
    events?: SupervisorEvents,
    nodeId: string | null = null,
  ) {
    this.banList = new BanList(store.bans, logger, Date.now, nodeId);
    this.banList.subscribe((change) => {
      const ip = banDisplayTarget(change.ban.target);
      if (change.kind === 'added') {
        this.broadcast({ type: 'bans.added', bans: [change.ban] });
        events?.publish({ type: 'ban.added', ip, reason: change.ban.reason, source: change.ban.source, node: change.ban.node, expiresAt: change.ban.expiresAtMs === null ? null : new Date(change.ban.expiresAtMs).toISOString() });
      } else {
        this.broadcast({ type: 'bans.removed', targets: [change.ban.target] });
        events?.publish({ type: 'ban.removed', ip, cause: change.cause });
      }
    });
  }

  /** Loads the ban list: from SQLite, or from a cluster's `shared` store (which keeps SQLite as its own copy). */
  start(shared?: BanStore): Promise<void> {
    return this.banList.load(shared);
  }

  close(): void {
    this.banList.close();
  }

  bans(): Ban[] {
    return this.banList.list();
  }

  banRequested(proxy: string, target: string, durationMs: number, reason: string): void {
    this.banList.add(target, reason, proxy, durationMs);
  }

  eventsRecorded(proxy: string, events: L7Event[], dropped: number): void {
    try {
      this.store.l7Events.add(proxy, events);
    } catch (error) {
      this.logger.error('cannot write L7 events', { proxy, error: (error as Error).message });
    }
    const now = Date.now();
    if (dropped > 0 && now - this.lastDroppedWarning >= DROPPED_WARNING_MS) {
      this.lastDroppedWarning = now;
      this.logger.warn('l7 events over the per-second batch were counted but not logged', { proxy, dropped });
    }
  }

  events(query: L7EventQuery): StoredL7Event[] {
    return this.store.l7Events.query(query);
  }
}
