// A Server-Sent Events parser (the WHATWG event-stream format), for streams read with fetch:
// EventSource cannot send the API key as a header, and the key must never go into a URL.
// Pure: no DOM, no I/O, so Node tests run it directly.

export interface StreamEvent {
  event: string;
  data: string;
  id: string;
}

/**
 * Feed it text chunks as they arrive (split anywhere, even inside a line or a CRLF); it calls
 * `onEvent` for each complete event. `retryMs` holds the last `retry:` value the server sent.
 */
export class SseParser {
  retryMs: number | null = null;
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private lastId = '';
  private sawCr = false;

  constructor(private readonly onEvent: (event: StreamEvent) => void) {}

  push(chunk: string): void {
    let text = chunk;
    // A CR ended the previous chunk: an LF starting this one belongs to the same line break.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = text.endsWith('\r');
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        return;
      case 'data':
        this.data.push(value);
        return;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        return;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        return;
    }
  }

  private dispatch(): void {
    if (this.data.length > 0) this.onEvent({ event: this.event || 'message', data: this.data.join('\n'), id: this.lastId });
    this.event = '';
    this.data = [];
  }
}
