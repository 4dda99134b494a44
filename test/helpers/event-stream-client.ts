import { SseParser, type StreamEvent } from '../../supervisor/dashboard/web/api/sse-parser.js';
import { waitFor } from './wait-for.js';

export interface ParsedEvent {
  event: string;
  data: any;
  receivedAtMs: number;
}

/**
 * `GET /api/events/stream` read as a client would (fetch + the dashboard's own SSE parser),
 * collecting every event, so a test can wait for one and look at what came before it.
 */
export class EventStreamClient {
  readonly events: ParsedEvent[] = [];
  ended = false;
  /** The body of a refused request (401/403). */
  refusal = '';

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly abort: AbortController,
  ) {}

  static async open(port: number, key: string | undefined, host = '127.0.0.1'): Promise<EventStreamClient> {
    const abort = new AbortController();
    const response = await fetch(`http://${host}:${port}/api/events/stream`, { headers: key === undefined ? {} : { 'x-api-key': key }, signal: abort.signal });
    const client = new EventStreamClient(response.status, response.headers, abort);
    if (response.status !== 200 || response.body === null) {
      client.refusal = await response.text();
      client.ended = true;
      return client;
    }
    void client.read(response.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = new SseParser((e: StreamEvent) => this.events.push({ event: e.event, data: JSON.parse(e.data), receivedAtMs: Date.now() }));
    try {
      for await (const chunk of body.pipeThrough(new TextDecoderStream())) parser.push(chunk);
    } catch {
      /* aborted */
    }
    this.ended = true;
  }

  /** The first event (from index `from` on) named `event` for which `check` holds. */
  next(event: string, check: (data: any) => boolean = () => true, timeoutMs = 5000, from = 0): Promise<ParsedEvent> {
    return waitFor(`event ${event}`, () => this.events.slice(from).find((e) => e.event === event && check(e.data)), { timeoutMs });
  }

  close(): void {
    this.abort.abort();
  }
}
