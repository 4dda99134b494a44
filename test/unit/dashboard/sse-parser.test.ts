import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type StreamEvent } from '../../../supervisor/dashboard/web/api/sse-parser.js';

function parse(chunks: string[]): { events: StreamEvent[]; parser: SseParser } {
  const events: StreamEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return { events, parser };
}

test('parses named events with JSON data, ignoring comments', () => {
  const { events } = parse([': ping\n', 'event: hello\ndata: {"a":1}\n\n', 'event: counters\ndata: {"b":2}\n\n']);
  assert.deepEqual(events, [
    { event: 'hello', data: '{"a":1}', id: '' },
    { event: 'counters', data: '{"b":2}', id: '' },
  ]);
});

test('an event split across chunks anywhere, even inside a CRLF, comes out whole and once', () => {
  const text = 'event: proxy.state\r\ndata: {"proxy":"lobby"}\r\n\r\nevent: x\r\ndata: 1\r\n\r\n';
  for (let cut = 1; cut < text.length; cut++) {
    const { events } = parse([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [
        ['proxy.state', '{"proxy":"lobby"}'],
        ['x', '1'],
      ],
      `cut at ${cut}`,
    );
  }
});

test('one byte at a time works too', () => {
  const { events } = parse([...'data: a\ndata: b\n\n']);
  assert.deepEqual(events, [{ event: 'message', data: 'a\nb', id: '' }]);
});

test('retry sets the reconnect delay; id is kept; an event without data is not dispatched', () => {
  const { events, parser } = parse(['retry: 3000\n\n', 'id: 7\nevent: empty\n\n', 'event: e\ndata:x\n\n', 'retry: soon\n\n']);
  assert.equal(parser.retryMs, 3000);
  assert.deepEqual(events, [{ event: 'e', data: 'x', id: '7' }]);
});

test('an unfinished event is held until its blank line arrives', () => {
  const events: StreamEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  parser.push('event: a\ndata: 1\n');
  assert.equal(events.length, 0);
  parser.push('\n');
  assert.equal(events.length, 1);
});
