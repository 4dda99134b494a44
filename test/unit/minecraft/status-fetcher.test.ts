import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { fetchJavaStatus } from '../../../proxy-worker/minecraft/status-fetcher.js';
import { encodeStatusResponse, readFrame } from '../../../proxy-worker/minecraft/packets.js';
import { fetchHeader } from '../../../proxy-worker/proxy-protocol/send-headers.js';
import { V2_LOCAL_HEADER } from '../../../proxy-worker/proxy-protocol/header-encoder.js';
import { readTestHandshake } from '../../helpers/minecraft-handshake.js';

const STATUS = JSON.stringify({ version: { name: '1.21.4', protocol: 769 }, players: { max: 20, online: 3 }, description: { text: 'fetched' } });

/** A backend that answers one status request with `reply`, optionally requiring a PROXY v2 LOCAL header first; records what came. */
async function statusBackend(t: { after(fn: () => unknown): void }, reply: Buffer, requireLocalHeader = false): Promise<{ port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    let bytes = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (requireLocalHeader) {
        if (bytes.length < V2_LOCAL_HEADER.length) return;
        if (!bytes.subarray(0, V2_LOCAL_HEADER.length).equals(V2_LOCAL_HEADER)) return void socket.destroy();
      }
      const body = requireLocalHeader ? bytes.subarray(V2_LOCAL_HEADER.length) : bytes;
      const read = readTestHandshake(body);
      if (read === undefined || readFrame(read.rest, 0, 16).kind !== 'packet') return;
      received.push(bytes);
      socket.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, received };
}

const request = { ip: '127.0.0.1', protocolVersion: 769, serverAddress: 'play.example.test', serverPort: 25565, timeoutMs: 2000 };
const send = { tcp: 'v2', udp: 'off', udpHeader: 'first', uniqueId: false } as const;

describe('fetchJavaStatus', () => {
  it('asks like a server-list ping and returns the backend\'s JSON', async (t) => {
    const backend = await statusBackend(t, encodeStatusResponse(STATUS));
    assert.equal(await fetchJavaStatus({ ...request, port: backend.port }), STATUS);
    const handshake = readTestHandshake(backend.received[0]!)!.handshake;
    assert.deepEqual(handshake, { protocolVersion: 769, serverAddress: 'play.example.test', serverPort: 25565, nextState: 1 });
  });

  it('starts with a PROXY header for a backend that expects one, even when probes send none', async (t) => {
    const backend = await statusBackend(t, encodeStatusResponse(STATUS), true);
    assert.equal(await fetchJavaStatus({ ...request, port: backend.port }), null, 'refused without the header');
    assert.equal(await fetchJavaStatus({ ...request, port: backend.port, greeting: fetchHeader({ ...send, healthCheck: 'local' }) }), STATUS);
    const full = fetchHeader({ ...send, healthCheck: 'none' });
    assert.notEqual(full, null, 'a fetch never goes without a header');
    assert.equal(fetchHeader({ ...send, tcp: 'off', healthCheck: 'local' }), null);
  });

  it('gives null for garbage, a non-object status, a refused or a silent backend', async (t) => {
    for (const reply of [Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), encodeStatusResponse('"just a string"'), encodeStatusResponse('{broken')]) {
      const backend = await statusBackend(t, reply);
      assert.equal(await fetchJavaStatus({ ...request, port: backend.port }), null);
    }
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => silent.close());
    const started = Date.now();
    assert.equal(await fetchJavaStatus({ ...request, port: (silent.address() as net.AddressInfo).port, timeoutMs: 300 }), null);
    assert.ok(Date.now() - started < 1500);
    assert.equal(await fetchJavaStatus({ ...request, port: 1, timeoutMs: 300 }), null);
  });
});
