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
import { encodeV2 } from '../../proxy-worker/proxy-protocol/header-encoder.js';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';

const { ping } = createRequire(import.meta.url)('bedrock-protocol') as { ping(options: { host: string; port: number }): Promise<{ motd: string; levelName: string }> };

/** A Bedrock client's socket: unconnected pings, one at a time, each answered by a pong. */
class PingClient {
  private constructor(readonly socket: dgram.Socket) {}

  static async open(localAddress: string): Promise<PingClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, localAddress, () => resolve()));
    return new PingClient(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The server name of the pong to one ping (behind `prefix` when given); rejects after `timeoutMs` without one. */
  ping(port: number, prefix?: Buffer, timeoutMs = 3000): Promise<string> {
    const reply = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pong from port ${port}`)), timeoutMs);
      this.socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(pongServerName(message) ?? 'not a pong');
      });
    });
    const datagram = unconnectedPing(Date.now());
    this.socket.send(prefix === undefined ? datagram : Buffer.concat([prefix, datagram]), port, '127.0.0.1');
    return reply;
  }

  close(): void {
    this.socket.close();
  }
}

/** `count` pings from a new client socket on `localAddress`: the pongs' server names and the client port. */
async function pingFrom(localAddress: string, port: number, count: number, prefix?: (clientPort: number) => Buffer, replyTimeoutMs = 3000): Promise<{ names: string[]; clientPort: number }> {
  const client = await PingClient.open(localAddress);
  try {
    const names: string[] = [];
    for (let i = 0; i < count; i++) names.push(await client.ping(port, prefix?.(client.port), replyTimeoutMs));
    return { names, clientPort: client.port };
  } finally {
    client.close();
  }
}

/** The sub-MOTD field of a pong, where the test backends name the client they saw. */
const seen = (name: string): string | undefined => name.split(';')[7];

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
      assert.deepEqual(a.names.map(seen), Array(5).fill(`seen 127.0.0.2:${a.clientPort}`));
      assert.deepEqual(b.names.map(seen), Array(3).fill(`seen 127.0.0.3:${b.clientPort}`));
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

describe('PROXY v2 over UDP from a trusted sender in front (RouteX behind RouteX)', () => {
  let backend: BedrockBackend;
  let sup: SupervisorProcess;
  const ports = { 'edge-every': 0, 'edge-first': 0, inner: 0 };

  before(async () => {
    backend = await startCloudburstBackend();
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
    // Filters in front, one with a header on every datagram, one on the first of a session only.
    const edge = (mode: 'every' | 'first'): string =>
      proxyYaml({ name: `edge-${mode}`, protocol: 'udp', originPorts: [ports[`edge-${mode}`]], destPorts: [ports.inner], extra: `proxy_protocol:\n  send:\n    udp: v2\n    udp_header: ${mode}\n` });
    sup = await SupervisorProcess.start({
      proxies: {
        'edge-every.yaml': edge('every'),
        'edge-first.yaml': edge('first'),
        // The proxy next to the game server: reads the filters' headers, sends Geyser-style ones.
        'inner.yaml': proxyYaml({
          name: 'inner',
          protocol: 'udp',
          originPorts: [ports.inner],
          destPorts: [backend.port],
          // A short drain: the worker the restart retires keeps replying to handed-over sessions until then.
          extra: 'connection_draining:\n  timeout: 1s\nproxy_protocol:\n  send:\n    udp: v2\n    udp_header: first\n  receive:\n    enabled: true\n    transports: [udp]\n    trusted_cidrs: ["127.0.0.1"]\n',
        }),
      },
      waitForRunning: ['edge-every', 'edge-first', 'inner'],
    });
  });

  after(async () => {
    await sup?.stop();
    await backend?.close();
  });

  const recordOf = (client: string) => [...backend.senders.values()].filter((r) => r.client === client);

  for (const mode of ['every', 'first'] as const) {
    it(`the game server sees the original client, one header per session, behind a filter with udp_header: ${mode}`, async () => {
      const { names, clientPort } = await pingFrom('127.0.0.2', ports[`edge-${mode}`], 4);
      assert.deepEqual(names.map(seen), Array(4).fill(`seen 127.0.0.2:${clientPort}`));
      assert.deepEqual(recordOf(`127.0.0.2:${clientPort}`).map((r) => [r.datagrams, r.headers]), [[4, 1]]);
    });
  }

  it('a restart of the inner proxy keeps each session\'s client, and the new upstream socket sends a header again', async () => {
    const client = await PingClient.open('127.0.0.4');
    try {
      assert.equal(seen(await client.ping(ports['edge-first'])), `seen 127.0.0.4:${client.port}`);
      const before = await sup.proxy('inner');
      const restart = await sup.api('POST', '/api/proxies/inner/restart', { key: ADMIN_KEY });
      assert.equal(restart.status, 200, restart.text);
      await sup.waitForProxy('inner', 'restarted', (p) => p.state === 'running' && p.pid !== before.pid);
      // The filter sent its header once, long before: the successor knows the client from the handover.
      assert.equal(seen(await client.ping(ports['edge-first'])), `seen 127.0.0.4:${client.port}`);
      assert.deepEqual(recordOf(`127.0.0.4:${client.port}`).map((r) => [r.datagrams, r.headers]), [[1, 1], [1, 1]], 'two upstream sockets, each headed once');
    } finally {
      client.close();
    }
  });

  it('an untrusted peer with a header is dropped; without one it is a direct client', async () => {
    const spoof = (): Buffer => encodeV2('udp', { ip: '198.51.100.23', port: 41000 }, { ip: '127.0.0.1', port: ports.inner });
    // A pong takes a millisecond on loopback: none in 500 ms means the datagram was dropped.
    await assert.rejects(pingFrom('127.0.0.3', ports.inner, 1, spoof, 500), /no pong/);
    const direct = await pingFrom('127.0.0.3', ports.inner, 2);
    assert.deepEqual(direct.names.map(seen), Array(2).fill(`seen 127.0.0.3:${direct.clientPort}`));
    assert.ok(![...backend.senders.values()].some((r) => r.client.startsWith('198.51.100.23')));
  });
});
