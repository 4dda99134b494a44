import { EventEmitter } from 'node:events';
import type { ProxyState } from '../workers/proxy-controller.js';

/**
 * What happened in the supervisor, as it happens: the live part of the event stream
 * (`GET /api/events/stream`). Counter snapshots are not events; the stream samples them.
 */
export type SupervisorEvent =
  | { type: 'proxy.state'; proxy: string; state: ProxyState; previous: ProxyState; pid: number | null; restarts: number }
  | { type: 'worker.crashed'; proxy: string; pid: number | null; code: number | null; signal: string | null; restarts: number; restartInMs: number }
  | { type: 'upstream.health'; proxy: string; upstream: string; healthy: boolean }
  | { type: 'config.rejected'; proxy: string; file: string; errors: { path: string; message: string }[] }
  | { type: 'proxy.suspended'; proxy: string; suspended: boolean; reason: string | null }
  | { type: 'ban.added'; ip: string; reason: string; source: string; node: string | null; expiresAt: string | null }
  | { type: 'ban.removed'; ip: string; cause: 'unbanned' | 'expired' };

export type SupervisorEventType = SupervisorEvent['type'];

/** One bus for the whole supervisor: producers publish, each event-stream client subscribes. */
export class SupervisorEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open event stream: no fixed limit is right.
    this.emitter.setMaxListeners(0);
  }

  publish(event: SupervisorEvent): void {
    this.emitter.emit('event', event);
  }

  /** Calls `listener` for every event from now on; the returned function unsubscribes. */
  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  get subscribers(): number {
    return this.emitter.listenerCount('event');
  }
}
