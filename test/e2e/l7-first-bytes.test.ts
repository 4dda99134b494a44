// The first-bytes stage on live traffic: nothing buffered when no step needs bytes, the
// Minecraft Java detector on raw handshakes (whole, split, junk), and slow_connection's
// handshake timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpClient } from '../helpers/tcp-client.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startRecordingBackend, type RecordingBackend } from '../helpers/recording-backend.js';
import { waitFor } from '../helpers/wait-for.js';
import { javaHandshake } from '../helpers/game-packets.js';
import { seededRandom } from '../helpers/seeded-random.js';

interface TestContext {
  after(fn: () => unknown): void;
}

async function proxyTo(t: TestContext, extra: string): Promise<{ sup: SupervisorProcess; port: number; backend: RecordingBackend }> {
  const backend = await startRecordingBackend((socket, chunk) => socket.write(chunk));
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra }) }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  return { sup, port, backend };
}

const INSPECT_JAVA = `
l7_protection:
  enabled: true
  payload_inspection:
    enabled: true
    mode: "minecraft-java"
`;

test('with l7_protection off, the first byte reaches the backend before the client sends a second one', async (t) => {
  const { port, backend } = await proxyTo(t, 'l7_protection:\n  enabled: false\n');
  const client = await TcpClient.connect(port);
  t.after(() => client.destroy());
  client.write(Buffer.from([0x42]));
  await waitFor('the first byte at the backend', () => backend.bytes === 1);
  client.write(Buffer.from([0x43]));
  await waitFor('the second byte at the backend', () => backend.bytes === 2);
  assert.deepEqual([...backend.connections[0]!.received], [0x42, 0x43]);
});

test('with L7 on but no part that reads bytes, nothing is buffered either', async (t) => {
  const { port, backend } = await proxyTo(t, 'l7_protection:\n  enabled: true\n  connection_cycling:\n    enabled: true\n');
  const client = await TcpClient.connect(port);
  t.after(() => client.destroy());
  client.write(Buffer.from([0x01]));
  await waitFor('the first byte at the backend', () => backend.bytes === 1);
});

test('a Minecraft handshake passes inspection and reaches the backend unchanged, with what follows', async (t) => {
  const { port } = await proxyTo(t, INSPECT_JAVA);
  const client = await TcpClient.connect(port);
  t.after(() => client.destroy());
  const handshake = Buffer.concat([javaHandshake({ nextState: 1 }), Buffer.from([0x01, 0x00])]);
  client.write(handshake);
  await client.waitForBytes(handshake.length);
  assert.deepEqual(client.received, handshake);
  client.write(Buffer.from([0x09, 0x01, 1, 2, 3, 4, 5, 6, 7, 8]));
  await client.waitForBytes(handshake.length + 10);
});

test('a handshake sent one byte at a time is held until it is whole, then replayed', async (t) => {
  const { port, backend } = await proxyTo(t, INSPECT_JAVA);
  const client = await TcpClient.connect(port);
  t.after(() => client.destroy());
  const handshake = javaHandshake({ nextState: 2, host: 'mc.example.net\0FML3\0' });
  for (let i = 0; i < handshake.length - 1; i++) {
    client.write(handshake.subarray(i, i + 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(backend.bytes, 0, 'nothing reaches the backend before the handshake is whole');
  client.write(handshake.subarray(-1));
  await client.waitForBytes(handshake.length);
  assert.deepEqual(backend.connections[0]!.received, handshake);
});

test('random bytes are closed without a byte reaching the backend', async (t) => {
  const { port, backend } = await proxyTo(t, INSPECT_JAVA);
  const random = seededRandom(7);
  const clients: TcpClient[] = [];
  for (let i = 0; i < 20; i++) {
    const client = await TcpClient.connect(port);
    t.after(() => client.destroy());
    // A random length prefix that is not a plausible handshake, then junk.
    client.write(Buffer.from([0x05, ...Array.from({ length: 40 }, () => Math.floor(random() * 256))]));
    clients.push(client);
  }
  await Promise.all(clients.map((c) => c.waitClosed()));
  assert.equal(backend.connections.length, 0);
});

test('slow_connection: fewer than min_bytes_in_first bytes within handshake_timeout closes the connection', async (t) => {
  const { port, backend } = await proxyTo(t, `
l7_protection:
  enabled: true
  slow_connection:
    enabled: true
    min_bytes_in_first: 8
    handshake_timeout: 1s
`);
  const slow = await TcpClient.connect(port);
  t.after(() => slow.destroy());
  const started = Date.now();
  slow.write('abc');
  await slow.waitClosed(3000);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 900 && elapsed < 2000, `closed after ${elapsed} ms`);
  assert.equal(backend.connections.length, 0);
  const fast = await TcpClient.connect(port);
  t.after(() => fast.destroy());
  fast.write('0123456789');
  await fast.waitForBytes(10);
});

test('turning inspection on is applied in place: the same worker refuses junk at once', async (t) => {
  const { sup, port, backend } = await proxyTo(t, 'l7_protection:\n  enabled: false\n');
  const before = await sup.proxy('p');
  const file = proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: INSPECT_JAVA });
  sup.writeProxy('p.yaml', file);
  await waitFor('the reconfigure to be logged', () => sup.logs.some((l) => l.message === 'proxy config applied' && l.outcome === 'reconfigured'));
  const junk = await TcpClient.connect(port);
  t.after(() => junk.destroy());
  junk.write('GET / HTTP/1.1\r\n\r\n');
  await junk.waitClosed(2000);
  assert.equal(backend.connections.length, 0);
  assert.equal((await sup.proxy('p')).pid, before.pid, 'no worker restart');
});
