import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort, freePortRange } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient, tcpRoundTrip } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOneProxy } from '../helpers/one-proxy.js';

test('TCP: a 64 KiB payload echoes back byte-exact', async (t) => {
  const { port } = await startOneProxy(t);
  const payload = randomBytes(64 * 1024);
  const reply = await tcpRoundTrip(port, payload, payload.length);
  assert.ok(reply.equals(payload), 'reply differs from what was sent');
});

test('TCP: 50 concurrent clients all get their own bytes back', async (t) => {
  const { port, backend } = await startOneProxy(t);
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const payload = Buffer.from(`client-${i}-${randomBytes(512).toString('hex')}`);
      const reply = await tcpRoundTrip(port, payload, payload.length);
      return reply.equals(payload);
    }),
  );
  assert.equal(results.filter(Boolean).length, 50);
  assert.equal(backend.served, 50);
});

test('UDP: 20 client ports make 20 sessions and every client gets its replies', async (t) => {
  const backend = await startUdpBackend({ tag: 'echo:' });
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'udp.yaml': proxyYaml({ name: 'udp', originPorts: [port], destPorts: [backend.port], protocol: 'udp' }) },
    waitForRunning: ['udp'],
  });
  t.after(() => sup.stop());
  const clients = await Promise.all(
    Array.from({ length: 20 }, () => {
      const socket = dgram.createSocket('udp4');
      return new Promise<dgram.Socket>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
    }),
  );
  t.after(() => clients.forEach((c) => c.close()));
  const replies = await Promise.all(
    clients.map(
      (client, i) =>
        new Promise<string[]>((resolve, reject) => {
          const got: string[] = [];
          client.on('message', (message) => {
            got.push(message.toString());
            if (got.length === 2) resolve(got);
          });
          client.send(`hello-${i}-a`, port, '127.0.0.1');
          setTimeout(() => client.send(`hello-${i}-b`, port, '127.0.0.1'), 50);
          setTimeout(() => reject(new Error(`client ${i} got ${got.length} replies`)), 5000).unref();
        }),
    ),
  );
  replies.forEach((got, i) => assert.deepEqual(got.sort(), [`echo:hello-${i}-a`, `echo:hello-${i}-b`]));
  assert.equal(backend.sources.size, 20, 'each client port must have its own upstream session');
  const proxy = await sup.waitForProxy('udp', '20 active sessions', (p) => p.active_udp_sessions === 20);
  assert.equal(proxy.active_udp_sessions, 20);
});

test('one-to-one: each of 3 origin ports reaches only its paired dest port', async (t) => {
  const destPorts = await freePortRange(3);
  const backends = await Promise.all(destPorts.map((port) => startTcpBackend({ port, greeting: `backend-${port}\n` })));
  t.after(() => Promise.all(backends.map((b) => b.close())));
  const originPorts = await freePortRange(3);
  const sup = await SupervisorProcess.start({
    proxies: { 'map.yaml': proxyYaml({ name: 'map', originPorts, destPorts, oneToOne: true }) },
    waitForRunning: ['map'],
  });
  t.after(() => sup.stop());
  for (let i = 0; i < 3; i++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const client = await TcpClient.connect(originPorts[i]!);
      await client.waitForText('\n');
      assert.equal(client.received.toString(), `backend-${destPorts[i]}\n`);
      client.destroy();
    }
  }
});

test('fan-out: connections reach every dest ip × dest port', async (t) => {
  const destPorts = await freePortRange(2);
  const hosts = ['127.0.0.1', '127.0.0.2'];
  const backends = await Promise.all(
    hosts.flatMap((host) => destPorts.map((port) => startTcpBackend({ host, port, greeting: `${host}:${port}\n` }))),
  );
  t.after(() => Promise.all(backends.map((b) => b.close())));
  const originPort = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'fan.yaml': proxyYaml({ name: 'fan', originPorts: [originPort], destPorts, destIps: hosts.join(', ') }) },
    waitForRunning: ['fan'],
  });
  t.after(() => sup.stop());
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const client = await TcpClient.connect(originPort);
    await client.waitForText('\n');
    seen.add(client.received.toString().trim());
    client.destroy();
  }
  assert.deepEqual([...seen].sort(), hosts.flatMap((h) => destPorts.map((p) => `${h}:${p}`)).sort());
});

test('half-close: a client that has sent FIN still receives the whole reply', async (t) => {
  // This backend answers only once the client's side is finished, like an HTTP/1.0 server.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let received = 0;
    socket.on('data', (chunk) => (received += chunk.length));
    socket.on('end', () => {
      const body = Buffer.alloc(200_000, 'x');
      socket.end(Buffer.concat([Buffer.from(`got ${received} bytes;`), body]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'half.yaml': proxyYaml({ name: 'half', originPorts: [port], destPorts: [(server.address() as net.AddressInfo).port] }) },
    waitForRunning: ['half'],
  });
  t.after(() => sup.stop());
  const client = await TcpClient.connect(port, { allowHalfOpen: true });
  client.write(Buffer.alloc(1000, 'a'));
  client.end();
  await client.waitClosed();
  const text = client.received.toString();
  assert.ok(text.startsWith('got 1000 bytes;'), `reply starts with ${text.slice(0, 30)}`);
  assert.equal(client.received.length, 'got 1000 bytes;'.length + 200_000);
});

test('an idle connection is closed after client_read, not before', async (t) => {
  const { port } = await startOneProxy(t, 'timeouts:\n  client_read: 1s\n  upstream_read: 1s\n');
  const client = await TcpClient.connect(port);
  client.write('ping');
  await client.waitForBytes(4);
  const quietSince = Date.now();
  await client.waitClosed(4000);
  const idleMs = Date.now() - quietSince;
  assert.ok(idleMs >= 900, `closed after only ${idleMs} ms of idleness`);
  assert.ok(idleMs <= 2500, `closed after ${idleMs} ms, read timeout is 1 s`);
});

test('access log: log_connections records accept and close with the reason', async (t) => {
  const { sup, port } = await startOneProxy(t, 'logging:\n  log_connections: true\n  log_bytes: true\n');
  await tcpRoundTrip(port, 'hello', 5);
  const closed = await waitFor('a connection closed record', () => sup.logs.find((l) => l.message === 'connection closed'));
  assert.equal(closed.proxy, 'p');
  assert.equal(closed.client, '127.0.0.1');
  assert.equal(closed.bytesIn, 5);
  assert.equal(closed.bytesOut, 5);
  assert.equal(typeof closed.durationMs, 'number');
  assert.ok(sup.logs.some((l) => l.message === 'connection accepted' && l.proxy === 'p'));
});

test('UDP: an idle session expires after udp_session_timeout', async (t) => {
  const backend = await startUdpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'udp.yaml': proxyYaml({ name: 'udp', originPorts: [port], destPorts: [backend.port], protocol: 'udp', extra: 'timeouts:\n  udp_session_timeout: 1s\n' }) },
    waitForRunning: ['udp'],
  });
  t.after(() => sup.stop());
  const client = dgram.createSocket('udp4');
  t.after(() => client.close());
  const exchange = (text: string) =>
    new Promise((resolve) => {
      client.once('message', resolve);
      client.send(text, port, '127.0.0.1');
    });
  // The API's count lags by up to a report interval, so the session is kept busy until the API
  // shows it; its idle time starts at the last reply.
  await exchange('hello');
  const keepBusy = setInterval(() => client.send('busy', port, '127.0.0.1'), 250);
  try {
    await sup.waitForProxy('udp', 'one session', (p) => p.active_udp_sessions === 1);
  } finally {
    clearInterval(keepBusy);
  }
  await exchange('still here');
  const idleSince = Date.now();
  await sup.waitForProxy('udp', 'the session to expire', (p) => p.active_udp_sessions === 0, 5000);
  assert.ok(Date.now() - idleSince >= 900, `expired ${Date.now() - idleSince} ms after the last reply, timeout is 1 s`);
  assert.equal(backend.sources.size, 1, 'one session served both datagrams');
  await exchange('again');
  assert.equal(backend.sources.size, 2, 'a new session (new upstream socket) serves the returning client');
});

test('UDP: past udp_max_sessions new clients are dropped, existing ones keep working', async (t) => {
  const backend = await startUdpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'udp.yaml': proxyYaml({ name: 'udp', originPorts: [port], destPorts: [backend.port], protocol: 'udp', extra: 'udp_max_sessions: 3\n' }) },
    waitForRunning: ['udp'],
  });
  t.after(() => sup.stop());
  const clients = await Promise.all(
    Array.from({ length: 4 }, () => {
      const socket = dgram.createSocket('udp4');
      return new Promise<dgram.Socket>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
    }),
  );
  t.after(() => clients.forEach((c) => c.close()));
  const exchange = (client: dgram.Socket, text: string, timeoutMs = 1000) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      client.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      client.send(text, port, '127.0.0.1');
    });
  for (const client of clients.slice(0, 3)) assert.equal(await exchange(client, 'in'), true);
  assert.equal(await exchange(clients[3]!, 'over the cap', 500), false);
  assert.equal(await exchange(clients[0]!, 'still in'), true);
  assert.equal(backend.sources.size, 3);
  const warning = await waitFor('the cap warning', () => sup.logs.find((l) => l.message === 'udp session cap reached, datagram dropped'));
  assert.equal(warning.proxy, 'udp');
});

test('client_write: a client that stops reading is cut off, and the backend is paused meanwhile', async (t) => {
  let sentByBackend = 0;
  const server = net.createServer((socket) => {
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const pump = (): void => {
      while (sentByBackend < 200 * 1024 * 1024) {
        sentByBackend += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    socket.on('error', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'slow.yaml': proxyYaml({
        name: 'slow',
        originPorts: [port],
        destPorts: [(server.address() as net.AddressInfo).port],
        extra: 'timeouts:\n  client_write: 1s\n  client_read: 0\n  upstream_read: 0\nlogging:\n  log_connections: true\n',
      }),
    },
    waitForRunning: ['slow'],
  });
  t.after(() => sup.stop());
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  client.pause();
  await new Promise((resolve) => client.once('connect', resolve));
  const connectedAt = Date.now();
  const closed = await waitFor('the proxy to close the stalled connection', () => sup.logs.find((l) => l.message === 'connection closed'), { timeoutMs: 6000 });
  assert.equal(closed.reason, 'client write timeout');
  assert.ok(Date.parse(String(closed.timestamp)) - connectedAt >= 900);
  assert.ok(sentByBackend < 50 * 1024 * 1024, `backend pushed ${sentByBackend} bytes: backpressure did not reach it`);
  client.destroy();
});
