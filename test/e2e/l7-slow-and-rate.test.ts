// Items 4 and 5 of the L7 issue: Slowloris-style clients are closed (before the handshake by
// handshake_timeout, after it by min_recv_rate_bps) while a normal client is served at the same
// time; the payload rate limit holds a pushing client to its rate, per connection and per IP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

interface TestContext {
  after(fn: () => unknown): void;
}

async function proxyWith(t: TestContext, backendPort: number, extra: string): Promise<{ sup: SupervisorProcess; port: number }> {
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backendPort], extra }) }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  return { sup, port };
}

/** Sends `text` one byte a second until the connection closes (bounded by the text's length). */
function dribble(client: TcpClient, text: string): void {
  let at = 0;
  const timer = setInterval(() => {
    if (client.closed || at >= text.length) return clearInterval(timer);
    client.write(text[at++]!);
  }, 1000);
  client.socket.once('close', () => clearInterval(timer));
  client.write(text[at++]!);
}

test('Slowloris: 50 connections sending a byte a second are closed within handshake_timeout + 1 s; a normal client is served meanwhile', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const { sup, port } = await proxyWith(t, backend.port, `
l7_protection:
  enabled: true
  slow_connection:
    enabled: true
    min_bytes_in_first: 16
    handshake_timeout: 2s
`);
  const started = Date.now();
  const slow: TcpClient[] = [];
  for (let i = 0; i < 50; i++) {
    const client = await TcpClient.connect(port, { localAddress: '127.0.0.11' });
    t.after(() => client.destroy());
    dribble(client, 'GET / HTTP/1.1\r\nHost: slow.example\r\n');
    slow.push(client);
  }
  const normal = await TcpClient.connect(port);
  t.after(() => normal.destroy());
  normal.write('GET / HTTP/1.1\r\nHost: fine\r\n\r\n');
  await normal.waitForText('Host: fine');
  await Promise.all(slow.map((c) => c.waitClosed(5000)));
  const elapsed = Date.now() - started;
  t.diagnostic(`50 slow connections all closed ${elapsed} ms after the first connect (handshake_timeout 2 s)`);
  assert.ok(elapsed < 2000 + 1000 + 500, `all closed ${elapsed} ms after the first connect`);
  assert.equal(normal.closed, false);
  assert.equal(backend.served, 1, 'only the normal client reached the backend');
  const view = await waitFor('the timeouts to be counted', async () => {
    const body = (await sup.api('GET', '/api/proxies/p/l7', { key: ADMIN_KEY })).body;
    return body.blocked.handshake_timeout === 50 ? body : undefined;
  });
  assert.equal(view.events.handshake_timeout, 50);
});

test('min_recv_rate_bps: clients that send a request line then a header every 10 s are closed; a normal client passes', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const { sup, port } = await proxyWith(t, backend.port, `
l7_protection:
  enabled: true
  slow_connection:
    enabled: true
    min_bytes_in_first: 8
    handshake_timeout: 2s
    min_recv_rate_bps: 64
  payload_inspection:
    enabled: true
    mode: "fivem"
`);
  const slow: TcpClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  t.after(() => timers.forEach(clearInterval));
  for (let i = 0; i < 5; i++) {
    const client = await TcpClient.connect(port, { localAddress: '127.0.0.12' });
    t.after(() => client.destroy());
    client.write('GET /info.json HTTP/1.1\r\n');
    timers.push(setInterval(() => client.closed || client.write(`X-Slow-${i}: a\r\n`), 10_000));
    slow.push(client);
  }
  // The normal client: a request line, then a steady 1 KiB every 250 ms (4 KiB/s) for 14 s.
  const normal = await TcpClient.connect(port);
  t.after(() => normal.destroy());
  normal.write('POST /client HTTP/1.1\r\n');
  let sent = 'POST /client HTTP/1.1\r\n'.length;
  timers.push(setInterval(() => {
    if (normal.closed) return;
    normal.write(Buffer.alloc(1024, 0x61));
    sent += 1024;
  }, 250));
  const started = Date.now();
  await Promise.all(slow.map((c) => c.waitClosed(14_000)));
  const elapsed = Date.now() - started;
  t.diagnostic(`5 slow-header clients closed after ${elapsed} ms; the normal client had sent ${sent} bytes`);
  assert.ok(elapsed >= 9000 && elapsed < 13_000, `closed after ${elapsed} ms (one 10 s window plus the once-a-second check)`);
  await normal.waitForBytes(sent - 2048, 3000);
  assert.equal(normal.closed, false, 'the normal client is still connected');
  const view = await waitFor('the slow clients to be counted', async () => {
    const body = (await sup.api('GET', '/api/proxies/p/l7', { key: ADMIN_KEY })).body;
    return body.blocked.slow_receive_rate === 5 ? body : undefined;
  });
  assert.equal(view.events.slow_receive_rate, 5);
});

interface Sink {
  port: number;
  bytes: number;
  close(): Promise<void>;
}

/** A backend that reads and discards as fast as it can, counting the bytes. */
async function sink(): Promise<Sink> {
  const sockets = new Set<net.Socket>();
  const result = { port: 0, bytes: 0 } as Sink;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      result.bytes += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  result.port = (server.address() as net.AddressInfo).port;
  result.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return result;
}

/** Pushes up to `bytesPerSecond` (in 64 KiB writes, as the socket drains) until stopped. */
function push(socket: net.Socket, bytesPerSecond: number): () => void {
  const chunk = Buffer.alloc(65_536, 0x78);
  const started = Date.now();
  let sent = 0;
  let stopped = false;
  const pump = (): void => {
    while (!stopped && sent < ((Date.now() - started) / 1000) * bytesPerSecond) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
    if (!stopped) setTimeout(pump, 5);
  };
  pump();
  return () => {
    stopped = true;
  };
}

/** Bytes per second the sink receives between `fromMs` and `toMs` after now. */
async function measuredRate(target: Sink, fromMs: number, toMs: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, fromMs));
  const start = target.bytes;
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, toMs - fromMs));
  return ((target.bytes - start) * 1000) / (Date.now() - startedAt);
}

const MB = 1_048_576;

test('payload rate: a client pushing 10 MB/s against a 1 MB/s per-connection limit gets 1 MB/s ± 20 %', async (t) => {
  const target = await sink();
  t.after(() => target.close());
  const { sup, port } = await proxyWith(t, target.port, `
l7_protection:
  enabled: true
  payload_rate_limit:
    enabled: true
    max_bytes_per_sec_per_conn: ${MB}
    burst_multiplier: 1
`);
  const socket = net.connect({ port, host: '127.0.0.1' });
  t.after(() => socket.destroy());
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  const stop = push(socket, 10 * MB);
  t.after(stop);
  const rate = await measuredRate(target, 1500, 5500);
  stop();
  t.diagnostic(`measured ${(rate / MB).toFixed(3)} MB/s against a 1 MB/s limit`);
  assert.ok(Math.abs(rate - MB) <= 0.2 * MB, `${(rate / MB).toFixed(2)} MB/s`);
  // 5.5 s over the rate without a break: a sustained-excess event (the connection is throttled, not closed).
  const view = await waitFor('the payload_rate_exceeded event', async () => {
    const body = (await sup.api('GET', '/api/proxies/p/l7', { key: ADMIN_KEY })).body;
    return (body.events.payload_rate_exceeded ?? 0) >= 1 ? body : undefined;
  });
  assert.ok(view.events.payload_rate_exceeded <= 2, 'at most one event per 5 s of excess');
  const [event] = (await sup.api('GET', '/api/l7/events?proxy=p', { key: ADMIN_KEY })).body;
  assert.deepEqual([event.event_type, event.action, event.protocol], ['payload_rate_exceeded', 'throttled', 'tcp']);
  assert.equal(socket.destroyed, false, 'the throttled connection stays open');
});

test('payload rate: the per-IP limit is shared by 4 connections of one IP', async (t) => {
  const target = await sink();
  t.after(() => target.close());
  const { port } = await proxyWith(t, target.port, `
l7_protection:
  enabled: true
  payload_rate_limit:
    enabled: true
    max_bytes_per_sec_per_ip: ${2 * MB}
    burst_multiplier: 1
`);
  const stops: (() => void)[] = [];
  t.after(() => stops.forEach((stop) => stop()));
  for (let i = 0; i < 4; i++) {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.13' });
    t.after(() => socket.destroy());
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    stops.push(push(socket, 5 * MB));
  }
  const rate = await measuredRate(target, 1500, 5500);
  stops.forEach((stop) => stop());
  t.diagnostic(`measured ${(rate / MB).toFixed(3)} MB/s over 4 connections against a 2 MB/s per-IP limit`);
  assert.ok(Math.abs(rate - 2 * MB) <= 0.2 * 2 * MB, `${(rate / MB).toFixed(2)} MB/s for the IP's 4 connections together`);
});
