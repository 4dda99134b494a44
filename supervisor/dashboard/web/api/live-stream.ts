import { SseParser, type StreamEvent } from './sse-parser.js';

export type StreamStatus = 'connecting' | 'live' | 'retrying';

export interface LiveStreamHandlers {
  onEvent(event: StreamEvent): void;
  onStatus(status: StreamStatus): void;
  /** The API refused the key (401/403) or revoked it mid-stream: the stream is over for good. */
  onRefused(status: number, code: string, message: string): void;
}

const DEFAULT_RETRY_MS = 3000;

/**
 * `GET /api/events/stream` read with fetch (the key goes as a header), parsed, and reopened
 * after a drop (the server's `retry:` delay), until `close()` or until the key is refused.
 */
export class LiveStream {
  private controller: AbortController | null = null;
  private retryTimer: number | null = null;
  private stopped = false;

  constructor(
    private readonly key: string,
    private readonly handlers: LiveStreamHandlers,
  ) {}

  open(): void {
    this.stopped = false;
    void this.run();
  }

  close(): void {
    this.stopped = true;
    this.controller?.abort();
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
  }

  private async run(): Promise<void> {
    const parser = new SseParser((event) => this.dispatch(event));
    this.controller = new AbortController();
    this.handlers.onStatus('connecting');
    try {
      const response = await fetch('/api/events/stream', { headers: { 'X-API-Key': this.key, Accept: 'text/event-stream' }, signal: this.controller.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
        this.stopped = true;
        this.handlers.onRefused(response.status, body?.error?.code ?? `HTTP_${response.status}`, body?.error?.message ?? response.statusText);
        return;
      }
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
    } catch {
      /* dropped or aborted: retried below unless closed */
    }
    if (this.stopped) return;
    this.handlers.onStatus('retrying');
    this.retryTimer = window.setTimeout(() => void this.run(), parser.retryMs ?? DEFAULT_RETRY_MS);
  }

  private dispatch(event: StreamEvent): void {
    if (event.event === 'hello') this.handlers.onStatus('live');
    if (event.event === 'revoked') {
      const { code, message } = JSON.parse(event.data) as { code: string; message: string };
      this.stopped = true;
      this.controller?.abort();
      this.handlers.onRefused(401, code, message);
      return;
    }
    this.handlers.onEvent(event);
  }
}
