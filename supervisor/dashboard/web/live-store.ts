import type { StreamEvent } from './api/sse-parser.js';
import type { StreamStatus } from './api/live-stream.js';
import type { CountersEvent, LiveEvent, ProxySnapshot } from './api/types.js';

/** How many state changes the event log keeps. */
const EVENT_LOG_SIZE = 100;

/**
 * What the event stream has told the page: the newest counter snapshot, the recent state
 * changes (newest first), and whether the stream is live. Pages subscribe and re-render.
 */
export class LiveStore {
  status: StreamStatus = 'connecting';
  counters: CountersEvent | null = null;
  events: LiveEvent[] = [];
  /** Bumped by every state change, so a page can refetch what it shows. */
  changes = 0;
  private seq = 0;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  proxy(name: string): ProxySnapshot | undefined {
    return this.counters?.proxies.find((p) => p.name === name);
  }

  setStatus(status: StreamStatus): void {
    this.status = status;
    this.notify();
  }

  receive(event: StreamEvent): void {
    const data = JSON.parse(event.data) as Record<string, unknown>;
    if (event.event === 'hello') return;
    if (event.event === 'counters') {
      this.counters = data as unknown as CountersEvent;
    } else {
      this.events = [{ seq: ++this.seq, at: new Date(), type: event.event, data }, ...this.events].slice(0, EVENT_LOG_SIZE);
      this.changes++;
      this.patchSnapshot(event.event, data);
    }
    this.notify();
  }

  /** A state change shows at once, not at the next snapshot. */
  private patchSnapshot(type: string, data: Record<string, unknown>): void {
    if (type !== 'proxy.state' && type !== 'worker.crashed') return;
    const proxy = this.counters?.proxies.find((p) => p.name === data.proxy);
    if (proxy === undefined) return;
    if (typeof data.state === 'string') proxy.state = data.state;
    if (typeof data.restarts === 'number') proxy.restarts = data.restarts;
    if ('pid' in data && type === 'proxy.state') proxy.pid = (data.pid as number | null) ?? null;
    if (type === 'worker.crashed') {
      proxy.state = 'backoff';
      proxy.pid = null;
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
