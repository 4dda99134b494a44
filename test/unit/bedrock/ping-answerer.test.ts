import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { describe, it } from 'node:test';
import bedrock from 'bedrock-protocol';
import { BedrockPingAnswerer, type PongFetch } from '../../../proxy-worker/bedrock/ping-answerer.js';
import { fetchBedrockPong } from '../../../proxy-worker/bedrock/pong-fetcher.js';
import { encodeUnconnectedPing, isUnconnectedPing, parseUnconnectedPong } from '../../../proxy-worker/bedrock/raknet-ping.js';
import { startBedrockServer, startCountingRelay } from '../../helpers/bedrock-backend.js';

const OFFLINE = { enabled: true, motd: 'Bedrock is down', versionName: '1.21.0', versionProtocol: 685, maxPlayers: 10, favicon: null, disconnectMessage: 'x' };

/** A UDP socket that lets `answerer` handle every datagram, as a proxy listener does. */
async function front(t: { after(fn: () => unknown): void }, answerer: BedrockPingAnswerer, backendDown = () => false): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => answerer.handle(msg, (reply) => socket.send(reply, rinfo.port, rinfo.address), backendDown()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => socket.close());
  return socket.address().port;
}

describe('Bedrock ping answerer', () => {
  it('gives bedrock-protocol\'s ping the backend\'s advertisement, fetched once for many pings', async (t) => {
    const server = await startBedrockServer('Through the cache');
    t.after(() => server.close());
    const relay = await startCountingRelay(server.port);
    t.after(() => relay.close());
    let fetches = 0;
    const fetch: PongFetch = () => (fetches++, fetchBedrockPong('127.0.0.1', relay.port, 2000));
    const port = await front(t, new BedrockPingAnswerer(60_000, { ...OFFLINE, enabled: false }, 19132, fetch));
    const first = await bedrock.ping({ host: '127.0.0.1', port });
    assert.equal(first.motd, 'Through the cache');
    assert.equal(first.levelName, 'RouteX level');
    for (let i = 0; i < 5; i++) assert.equal((await bedrock.ping({ host: '127.0.0.1', port })).motd, 'Through the cache');
    assert.equal(fetches, 1);
    assert.equal(relay.received, 1, 'one ping reached the backend');
  });

  it('echoes each client\'s own time with the cached GUID', async (t) => {
    const guid = Buffer.from('0102030405060708', 'hex');
    const answerer = new BedrockPingAnswerer(60_000, OFFLINE, 19132, () => Promise.resolve({ time: 0n, serverGuid: guid, advertisement: 'MCPE;cached;1;1;0;1;1;x;Survival;1;1;1;' }));
    const replies: Buffer[] = [];
    answerer.handle(encodeUnconnectedPing(111n, 5n), (r) => replies.push(r), false);
    await new Promise((resolve) => setImmediate(resolve));
    answerer.handle(encodeUnconnectedPing(222n, 6n), (r) => replies.push(r), false);
    const pongs = replies.map((r) => parseUnconnectedPong(r)!);
    assert.deepEqual(pongs.map((p) => p.time), [111n, 222n]);
    assert.ok(pongs.every((p) => p.serverGuid.equals(guid) && p.advertisement.startsWith('MCPE;cached;')));
    t.after(() => undefined);
  });

  it('answers with the offline pong when the backend does not answer, or is known down', async (t) => {
    const answerer = new BedrockPingAnswerer(60_000, OFFLINE, 19132, () => fetchBedrockPong('127.0.0.1', 9, 300));
    const port = await front(t, answerer);
    const offline = await bedrock.ping({ host: '127.0.0.1', port });
    assert.equal(offline.motd, 'Bedrock is down');
    assert.equal(offline.version, '1.21.0');
    assert.equal(offline.playersMax, 10);
    let fetches = 0;
    const down = new BedrockPingAnswerer(60_000, OFFLINE, 19132, () => (fetches++, Promise.resolve(null)));
    const downPort = await front(t, down, () => true);
    assert.equal((await bedrock.ping({ host: '127.0.0.1', port: downPort })).motd, 'Bedrock is down');
    assert.equal(fetches, 0, 'a route known to be down is not fetched');
  });

  it('passes everything but unconnected pings on, and drops pings it has no answer for', () => {
    const answerer = new BedrockPingAnswerer(60_000, { ...OFFLINE, enabled: false }, 19132, () => Promise.resolve(null));
    const openConnection = Buffer.concat([Buffer.from([0x05]), encodeUnconnectedPing(1n, 1n).subarray(9, 25), Buffer.alloc(20)]);
    assert.equal(answerer.handle(openConnection, () => assert.fail('not answered'), false), false);
    assert.equal(answerer.handle(Buffer.from([0x01, 0x02]), () => assert.fail('not answered'), false), false);
    assert.equal(isUnconnectedPing(encodeUnconnectedPing(1n, 1n)), true);
    assert.equal(answerer.handle(encodeUnconnectedPing(1n, 1n), () => assert.fail('nothing to say'), true), true);
  });
});
