// The proxy's own Minecraft answers, checked by the real client library players' tools use.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import mc from 'minecraft-protocol';
import { sendLoginDisconnect, StatusResponder, type StatusSource } from '../../../proxy-worker/minecraft/status-responder.js';
import { statusJson } from '../../../proxy-worker/minecraft/status-json.js';
import type { JavaHandshake } from '../../../proxy-worker/minecraft/java-answers.js';
import { readTestHandshake } from '../../helpers/minecraft-handshake.js';

interface Answering {
  port: number;
  handshakes: JavaHandshake[];
  closed: number;
}

/** A TCP server that reads the handshake and answers like the proxy does: status or login disconnect. */
async function answeringServer(t: { after(fn: () => unknown): void }, status: (h: JavaHandshake) => StatusSource, disconnect: string): Promise<Answering> {
  const state: Answering = { port: 0, handshakes: [], closed: 0 };
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let bytes = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      const read = readTestHandshake(bytes);
      if (read === undefined) return;
      socket.off('data', onData);
      state.handshakes.push(read.handshake);
      const done = (): void => void state.closed++;
      if (read.handshake.nextState === 1) new StatusResponder(socket, read.rest, status(read.handshake), done);
      else sendLoginDisconnect(socket, disconnect, done);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}

const OFFLINE = statusJson({ motd: 'Back soon', versionName: 'Maintenance', protocol: -1, maxPlayers: 20, onlinePlayers: 0, favicon: null });

describe('Minecraft answers against minecraft-protocol', () => {
  for (const version of ['1.20.4', '1.21.4']) {
    it(`a ${version} server-list ping gets the status and its pong`, async (t) => {
      const server = await answeringServer(t, () => OFFLINE, 'unused');
      const result = (await mc.ping({ host: '127.0.0.1', port: server.port, version })) as unknown as Record<string, any>;
      assert.equal(result.description.text, 'Back soon');
      assert.deepEqual(result.version, { name: 'Maintenance', protocol: -1 });
      assert.equal(typeof result.latency, 'number', 'the pong came back');
      assert.equal(server.handshakes[0]?.nextState, 1);
    });
  }

  it('answers once a status fetched in flight arrives', async (t) => {
    let release: (json: string | null) => void = () => undefined;
    const later = new Promise<string | null>((resolve) => (release = resolve));
    const server = await answeringServer(t, () => later, 'unused');
    const ping = mc.ping({ host: '127.0.0.1', port: server.port, version: '1.21.4' });
    setTimeout(() => release(OFFLINE), 50);
    const result = (await ping) as unknown as Record<string, any>;
    assert.equal(result.description.text, 'Back soon');
  });

  it('a login gets the disconnect message as the reason the client shows', async (t) => {
    const server = await answeringServer(t, () => null, 'The server is offline. Please try again later.');
    const client = mc.createClient({ host: '127.0.0.1', port: server.port, username: 'Steve', version: '1.21.4', auth: 'offline' });
    t.after(() => client.end());
    const reason = await new Promise<string>((resolve, reject) => {
      client.once('disconnect', (packet: { reason: string }) => resolve(packet.reason));
      client.once('error', reject);
    });
    assert.equal(JSON.parse(reason).text, 'The server is offline. Please try again later.');
    assert.equal(server.handshakes[0]?.nextState, 2);
  });

  it('closes a status connection that sends anything but a status request or ping', async (t) => {
    const server = await answeringServer(t, () => OFFLINE, 'unused');
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write(Buffer.from([0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01])); // handshake, status intent
    socket.write(Buffer.from([0x02, 0x05, 0x00])); // packet 0x05: not part of a ping
    await new Promise((resolve) => socket.once('close', resolve));
    assert.equal(server.closed, 1);
  });
});
