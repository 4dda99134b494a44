// Hostile first bytes against the routing steps of a real worker: valid handshakes and
// ClientHellos split at every offset still route, every truncation is closed within
// routing.handshake_timeout, random bytes are decided too, and the worker never restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess, ADMIN_KEY } from '../helpers/supervisor-process.js';
import { startRecordingBackend, type RecordingBackend } from '../helpers/recording-backend.js';
import { javaHandshake } from '../helpers/game-packets.js';
import { captureClientHello } from '../helpers/client-hello-capture.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { waitFor } from '../helpers/wait-for.js';

const HANDSHAKE_TIMEOUT_MS = 500;
/** A close may come this much after the timeout: the sweep, the loop, a loaded machine. */
const SLACK_MS = 1500;
/** Connections in flight at once: enough to run a whole message's offsets together. */
const PARALLEL = 400;

type Outcome = { closedAfterMs: number | null };

/**
 * Sends `first`, then `second` after a pause (its own TCP segment), then waits: for the close,
 * or for `holdMs` (a routed connection stays open; the caller checks the backend).
 */
function probe(port: number, first: Buffer, second: Buffer | null, holdMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const started = Date.now();
    let settled = false;
    const finish = (closedAfterMs: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(hold);
      socket.destroy();
      resolve({ closedAfterMs });
    };
    const hold = setTimeout(() => finish(null), holdMs);
    socket.on('error', () => undefined);
    socket.on('close', () => finish(Date.now() - started));
    socket.on('connect', () => {
      if (first.length > 0) socket.write(first);
      if (second !== null) setTimeout(() => socket.writable && socket.write(second), 5);
    });
  });
}

/** A connection that sends `message` in two segments split at `at`, and stays open. */
function splitConnection(port: number, message: Buffer, at: number): { at: number; socket: net.Socket; closed: boolean } {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  const connection = { at, socket, closed: false };
  socket.on('error', () => undefined);
  socket.on('close', () => (connection.closed = true));
  socket.on('connect', () => {
    socket.write(message.subarray(0, at));
    if (at < message.length) setTimeout(() => socket.writable && socket.write(message.subarray(at)), 5);
  });
  return connection;
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(run));
}

async function fuzz(name: string, message: Buffer, port: number, backend: RecordingBackend, randomRouted: 'closed' | 'either'): Promise<void> {
  // Whole, split at every offset: routed, the bytes arrive at the backend as they were sent.
  // The connections stay open until the backend has them all (a loaded machine may be slow).
  const offsets = Array.from({ length: message.length }, (_, i) => i + 1);
  const before = backend.connections.length;
  const open = offsets.map((at) => splitConnection(port, message, at));
  const intact = () => backend.connections.slice(before).filter((c) => c.received.equals(message)).length;
  await waitFor(`${name}: every split intact at the backend`, () => intact() === message.length, { timeoutMs: 15_000 });
  for (const connection of open) {
    assert.equal(connection.closed, false, `${name} split at ${connection.at} was closed`);
    connection.socket.destroy();
  }

  // Truncated at every offset, then silence: closed within the handshake timeout, nothing dialled.
  const afterSplits = backend.connections.length;
  const lengths = Array.from({ length: message.length }, (_, i) => i);
  await inBatches(lengths, async (length) => {
    const outcome = await probe(port, message.subarray(0, length), null, HANDSHAKE_TIMEOUT_MS + SLACK_MS + 1000);
    assert.notEqual(outcome.closedAfterMs, null, `${name} truncated to ${length} bytes was never closed`);
    assert.ok(outcome.closedAfterMs! <= HANDSHAKE_TIMEOUT_MS + SLACK_MS, `${name} truncated to ${length} bytes closed after ${outcome.closedAfterMs} ms`);
  });
  assert.equal(backend.connections.length, afterSplits, `${name}: no truncated message reached the backend`);

  // Mutated and random bytes: decided (routed to the default route or closed in time), never hung.
  const random = seededRandom(name.length * 7919);
  const inputs = Array.from({ length: 200 }, (_, i) => {
    const input = i % 2 === 0 ? Buffer.from(message) : Buffer.from(Array.from({ length: 1 + Math.floor(random() * 600) }, () => Math.floor(random() * 256)));
    if (i % 2 === 0) for (let m = 0; m < 3; m++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
    return input;
  });
  await inBatches(inputs, async (input) => {
    const cut = 1 + Math.floor(random() * input.length);
    const outcome = await probe(port, input.subarray(0, cut), input.subarray(cut), HANDSHAKE_TIMEOUT_MS + SLACK_MS);
    if (randomRouted === 'closed' && outcome.closedAfterMs === null) return; // a mutation can still be a valid handshake
    if (outcome.closedAfterMs !== null) assert.ok(outcome.closedAfterMs <= HANDSHAKE_TIMEOUT_MS + SLACK_MS, `${name}: random input closed after ${outcome.closedAfterMs} ms`);
  });
}

test('Minecraft handshakes and TLS ClientHellos, split, truncated and random: routed or closed in time, and the worker never restarts', async (t) => {
  const routedMc = await startRecordingBackend();
  const routedTls = await startRecordingBackend();
  const fallback = await startRecordingBackend();
  t.after(() => Promise.all([routedMc.close(), routedTls.close(), fallback.close()]));
  const mcPort = await freePort();
  const tlsPort = await freePort();
  const routes = (by: string, host: string, port: number) => `
routing:
  by: "${by}"
  unknown: "reject"
  handshake_timeout: ${HANDSHAKE_TIMEOUT_MS}ms
routes:
  - hosts: ["${host}"]
    dest-ip: "127.0.0.1"
    dest-port: ${port}
`;
  const sup = await SupervisorProcess.start({
    proxies: {
      'mc.yaml': proxyYaml({ name: 'mc', originPorts: [mcPort], destPorts: [fallback.port], extra: routes('minecraft-host', 'play.example.test', routedMc.port) }),
      'tls.yaml': proxyYaml({ name: 'tls', originPorts: [tlsPort], destPorts: [fallback.port], extra: routes('tls-sni', 'secure.example.test', routedTls.port) }),
    },
    waitForRunning: ['mc', 'tls'],
  });
  t.after(() => sup.stop());
  const pids = (await sup.proxies()).map((p: { pid: number }) => p.pid);

  await fuzz('minecraft handshake', javaHandshake({ host: 'play.example.test', nextState: 2 }), mcPort, routedMc, 'closed');
  await fuzz('tls clienthello', await captureClientHello('secure.example.test'), tlsPort, routedTls, 'either');

  const after = await sup.proxies();
  assert.deepEqual(after.map((p: { pid: number }) => p.pid), pids, 'no worker was restarted');
  assert.ok(after.every((p: { restarts: number; state: string }) => p.restarts === 0 && p.state === 'running'));
  const stats = (await sup.api('GET', '/api/stats/proxy/mc', { key: ADMIN_KEY })).body;
  assert.equal(stats.active_connections, 0);
});
