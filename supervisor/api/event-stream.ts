import type { Request, Response } from 'express';
import type { SupervisorEvent, SupervisorEvents } from '../events/supervisor-events.js';
import type { CounterSampler, CounterSnapshot } from '../events/counter-sampler.js';
import { ApiError } from './api-error.js';
import { extractApiKey, type ApiKeyring, type KeyEntry, type Requirement } from './auth.js';

/** A client this far behind (bytes queued in the socket) is cut off rather than buffered for. */
const MAX_QUEUED_BYTES = 1 << 20;
/** How long a client waits before reconnecting after the stream drops. */
const RETRY_MS = 3000;

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The wire form: the event's fields in snake_case like the rest of the API, nested objects too. */
export function wireForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wireForm);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // Metric value maps are keyed by the metric table's names: those stay as they are.
    out[snakeCase(key)] = key === 'values' || key === 'perSecond' || key === 'supervisor' ? inner : wireForm(inner);
  }
  return out;
}

export interface EventStreamSources {
  events: SupervisorEvents;
  sampler: CounterSampler;
  keyring: ApiKeyring;
  requirement: Requirement;
}

/**
 * One client's `text/event-stream`: a `hello`, a `counters` snapshot every interval, and each
 * supervisor event as it happens. The key is checked again at every snapshot, so a key removed
 * by a config reload ends the stream (`revoked`) within one interval.
 */
export class EventStream {
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly sources: EventStreamSources,
  ) {}

  open(entry: KeyEntry): void {
    const { res, req } = this;
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.on('close', () => this.close());
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.send('hello', { key: entry.label, permissions: [...entry.permissions], interval_ms: this.sources.sampler.intervalMs });
    this.send('counters', wireForm(this.sources.sampler.latest()));
    this.unsubscribe.push(
      this.sources.events.subscribe((event) => this.onEvent(event)),
      this.sources.sampler.subscribe((snapshot) => this.onSnapshot(snapshot)),
    );
  }

  private onEvent(event: SupervisorEvent): void {
    const { type, ...fields } = event;
    this.send(type, wireForm(fields));
  }

  private onSnapshot(snapshot: CounterSnapshot): void {
    const verdict = this.sources.keyring.check(extractApiKey(this.req), this.sources.requirement);
    if (verdict instanceof ApiError) {
      this.send('revoked', { code: verdict.code, message: verdict.message });
      this.res.end();
      this.close();
      return;
    }
    this.send('counters', wireForm(snapshot));
  }

  private send(event: string, data: unknown): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_QUEUED_BYTES) {
      this.res.destroy();
      this.close();
      return;
    }
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
