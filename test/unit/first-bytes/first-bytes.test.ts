import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FirstBytesPlan } from '../../../proxy-worker/first-bytes/first-bytes-plan.js';
import { FirstBytesReader, type FirstBytesHost } from '../../../proxy-worker/first-bytes/first-bytes-reader.js';
import { reject, type FirstBytesContext, type FirstBytesStep, type Rejection } from '../../../proxy-worker/first-bytes/first-bytes-step.js';
import { waitFor } from '../../helpers/wait-for.js';

function context(bytes: Uint8Array = new Uint8Array(0), complete = false): FirstBytesContext {
  return { protocol: 'tcp', listener: { port: 1 } as never, client: { ip: '203.0.113.1', port: 4000 }, bytes, start: 0, end: bytes.length, complete, route: null };
}

/** A step that wants `n` bytes, then passes. */
const wants = (n: number, name = `wants ${n}`): FirstBytesStep => ({ name, maxBytes: n, decide: (ctx) => (ctx.end - ctx.start >= n ? 'pass' : 'need-more') });

/** A PROXY-header-like step: a 4-byte prefix "HDR:" names the client; it is consumed, not replayed. */
const header: FirstBytesStep = {
  name: 'header',
  maxBytes: 4,
  decide(ctx) {
    if (ctx.end - ctx.start < 4) return 'need-more';
    if (Buffer.from(ctx.bytes.subarray(ctx.start, ctx.start + 4)).toString() !== 'HDR:') return reject('bad_header', null, 'no header');
    ctx.client = { ip: '198.51.100.7', port: 1234 };
    ctx.start += 4;
    return 'pass';
  },
};

test('plan: steps run in order on the same bytes; a route is kept for the balancer', () => {
  const seen: string[] = [];
  const spy = (name: string): FirstBytesStep => ({ name, maxBytes: 0, decide: (ctx) => (seen.push(`${name}:${ctx.client.ip}`), 'pass') });
  const route: FirstBytesStep = { name: 'route', maxBytes: 0, decide: () => ({ kind: 'route', route: 'lobby' }) };
  const plan = new FirstBytesPlan([header, spy('after'), route], 1000);
  const ctx = context(Buffer.from('HDR:hello'));
  assert.equal(plan.run(ctx, { index: 0 }), 'done');
  assert.deepEqual(seen, ['after:198.51.100.7'], 'later steps see the replaced client');
  assert.equal(ctx.route, 'lobby');
  assert.equal(ctx.start, 4);
});

test('plan: need-more resumes at the waiting step; on a complete input it is payload_too_small', () => {
  const plan = new FirstBytesPlan([wants(2), wants(5)], 1000);
  const position = { index: 0 };
  assert.equal(plan.run(context(Buffer.from('abc')), position), 'need-more');
  assert.equal(position.index, 1);
  const outcome = plan.run(context(Buffer.from('abc'), true), { index: 0 }) as Rejection;
  assert.equal(outcome.reason, 'payload_too_small');
  assert.equal(plan.maxBytes, 7);
  assert.equal(new FirstBytesPlan([{ name: 'admission', maxBytes: 0, decide: () => 'pass' }], 1000).readsBytes, false);
});

class RecordingHost implements FirstBytesHost {
  passed: { replay: string | null; client: string; ended: boolean } | null = null;
  rejected: Rejection | null = null;
  settled = 0;
  firstBytesPassed(socket: net.Socket, ctx: FirstBytesContext, replay: Buffer | null, clientEnded: boolean): void {
    this.passed = { replay: replay === null ? null : replay.toString(), client: ctx.client.ip, ended: clientEnded };
    socket.destroy();
  }
  firstBytesRejected(socket: net.Socket, _ctx: FirstBytesContext, rejection: Rejection): void {
    this.rejected = rejection;
    socket.destroy();
  }
  firstBytesSettled(): void {
    this.settled++;
  }
}

/** A server whose accepted sockets (paused, as RouteX's listener hands them over) go to a reader. */
async function readerServer(t: { after(fn: () => unknown): void }, plan: FirstBytesPlan, host: RecordingHost): Promise<number> {
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    new FirstBytesReader(socket, context(), plan, host).start();
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  t.after(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

async function client(port: number, t: { after(fn: () => unknown): void }): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => undefined);
  t.after(() => socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

test('reader: bytes across several segments are held, then replayed without the consumed prefix', async (t) => {
  const host = new RecordingHost();
  const port = await readerServer(t, new FirstBytesPlan([header, wants(6)], 2000), host);
  const socket = await client(port, t);
  for (const piece of ['HD', 'R:', 'hel', 'lo!']) {
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitFor('the decision', () => host.passed !== null);
  assert.deepEqual(host.passed, { replay: 'hello!', client: '198.51.100.7', ended: false });
  assert.equal(host.settled, 1);
});

test('reader: a step that keeps waiting past the plan\'s size bound is payload_too_large', async (t) => {
  const host = new RecordingHost();
  const never: FirstBytesStep = { name: 'never', maxBytes: 16, decide: () => 'need-more' };
  const port = await readerServer(t, new FirstBytesPlan([never], 5000), host);
  (await client(port, t)).write(Buffer.alloc(40, 0x61));
  await waitFor('the rejection', () => host.rejected !== null);
  assert.equal(host.rejected!.reason, 'payload_too_large');
});

test('reader: no decision within the step\'s time is handshake_timeout (or the step\'s own rejection)', async (t) => {
  const host = new RecordingHost();
  const port = await readerServer(t, new FirstBytesPlan([wants(10)], 300), host);
  const started = Date.now();
  (await client(port, t)).write('abc');
  await waitFor('the timeout', () => host.rejected !== null, { timeoutMs: 2000 });
  assert.equal(host.rejected!.reason, 'handshake_timeout');
  assert.ok(Date.now() - started >= 250);
  const own = new RecordingHost();
  const timed: FirstBytesStep = { ...wants(10), timeoutMs: 200, timedOut: () => reject('header_timeout', null, 'no header') };
  const ownPort = await readerServer(t, new FirstBytesPlan([timed], 5000), own);
  await client(ownPort, t);
  await waitFor('the step\'s own timeout', () => own.rejected?.reason === 'header_timeout', { timeoutMs: 2000 });
});

test('reader: a FIN after part of the message is payload_too_small; after nothing, a quiet close', async (t) => {
  const host = new RecordingHost();
  const port = await readerServer(t, new FirstBytesPlan([wants(10)], 5000), host);
  const partial = await client(port, t);
  partial.end('abc');
  await waitFor('the rejection', () => host.rejected !== null);
  assert.equal(host.rejected!.reason, 'payload_too_small');
  const quiet = new RecordingHost();
  const quietPort = await readerServer(t, new FirstBytesPlan([wants(10)], 5000), quiet);
  (await client(quietPort, t)).end();
  await waitFor('the close', () => quiet.settled === 1);
  assert.equal(quiet.rejected, null, 'a client that leaves without a byte is no offence');
});

test('reader: a complete message followed by the client\'s FIN passes, and the FIN is passed on', async (t) => {
  const host = new RecordingHost();
  const port = await readerServer(t, new FirstBytesPlan([wants(10)], 5000), host);
  (await client(port, t)).end('0123456789');
  await waitFor('the decision', () => host.passed !== null);
  assert.equal(host.passed!.replay, '0123456789');
});
