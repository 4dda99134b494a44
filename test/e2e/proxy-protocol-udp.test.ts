// PROXY v2 over UDP to Bedrock backends: with udp_header: first a CloudburstMC/Geyser-style
// backend sees exactly one header per session; with every, a per-datagram parser sees one on
// each datagram. Each session keeps its own upstream source port, and a real Bedrock ping
// (bedrock-protocol) works through RouteX in both modes.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { startCloudburstBackend, startPerDatagramBackend, pongServerName, unconnectedPing, type BedrockBackend } from '../helpers/bedrock-backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';

const { ping } = createRequire(import.meta.url)('bedrock-protocol') as { ping(options: { host: string; port: number }): Promise<{ motd: string; levelName: string }> };

/** Sends `count` unconnected pings from `localAddress`, one after another's pong; returns the pongs' server names and the client port. */
async function pingFrom(localAddress: string, port: number, count: number): Promise<{ names: string[]; clientPort: number }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, localAddress, () => resolve()));
  const names: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const reply = new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no pong to ping ${i + 1} from ${localAddress}`)), 3000);
        socket.once('message', (message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
      socket.send(unconnectedPing(Date.now()), port, '127.0.0.1');
      names.push(pongServerName(await reply) ?? 'not a pong');
    }
    return { names, clientPort: socket.address().port };
  } finally {
    socket.close();
  }
}

describe('PROXY v2 over UDP to Bedrock backends', () => {
  let cloudburst: BedrockBackend;
  let perDatagram: BedrockBackend;
  let sup: SupervisorProcess;
  const ports = { first: 0, every: 0 };

  before(async () => {
    cloudburst = await startCloudburstBackend();
    perDatagram = await startPerDatagramBackend();
    ports.first = await freePort();
    ports.every = await freePort();
    const proxy = (name: 'first' | 'every', backend: BedrockBackend): string =>
      proxyYaml({ name, protocol: 'udp', originPorts: [ports[name]], destPorts: [backend.port], extra: `proxy_protocol:\n  send:\n    udp: v2\n    udp_header: ${name}\n` });
    sup = await SupervisorProcess.start({ proxies: { 'first.yaml': proxy('first', cloudburst), 'every.yaml': proxy('every', perDatagram) }, waitForRunning: ['first', 'every'] });
  });

  after(async () => {
    await sup?.stop();
    await cloudburst?.close();
    await perDatagram?.close();
  });

  for (const mode of ['first', 'every'] as const) {
    it(`udp_header: ${mode} — the backend sees ${mode === 'first' ? 'one header per session' : 'a header on every datagram'}, naming each client, from one source port per session`, async () => {
      const backend = mode === 'first' ? cloudburst : perDatagram;
      const a = await pingFrom('127.0.0.2', ports[mode], 5);
      const b = await pingFrom('127.0.0.3', ports[mode], 3);
      assert.deepEqual(a.names.map((n) => n.split(';')[7]), Array(5).fill(`seen 127.0.0.2:${a.clientPort}`));
      assert.deepEqual(b.names.map((n) => n.split(';')[7]), Array(3).fill(`seen 127.0.0.3:${b.clientPort}`));
      const records = [...backend.senders.entries()].filter(([, r]) => r.client === `127.0.0.2:${a.clientPort}` || r.client === `127.0.0.3:${b.clientPort}`);
      // One sender (RouteX upstream socket) per session: every datagram of a session left from the same port.
      assert.equal(records.length, 2);
      assert.notEqual(records[0]![0], records[1]![0]);
      const byClient = Object.fromEntries(records.map(([, r]) => [r.client.split(':')[0], [r.datagrams, r.headers]]));
      assert.deepEqual(byClient, mode === 'first' ? { '127.0.0.2': [5, 1], '127.0.0.3': [3, 1] } : { '127.0.0.2': [5, 5], '127.0.0.3': [3, 3] });
      assert.equal(backend.dropped, 0);
    });

    it(`udp_header: ${mode} — a Bedrock client's ping (bedrock-protocol) works end to end`, async () => {
      const advertisement = await ping({ host: '127.0.0.1', port: ports[mode] });
      assert.equal(advertisement.motd, 'RouteX test');
      assert.match(advertisement.levelName, /^seen 127\.0\.0\.1:\d+$/);
    });
  }
});
