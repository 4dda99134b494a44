// Item 1 of the L7 issue: real Minecraft Java clients (minecraft-protocol, two protocol
// versions) pass a proxy with minecraft-java inspection, scoring and cycling on; 200
// random-byte connections are all closed before any byte reaches the backend, and the attacker
// ends up banned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import mc from 'minecraft-protocol';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { seededRandom } from '../helpers/seeded-random.js';

const VERSIONS = ['1.20.4', '1.21.1'];
const ATTACKER = '127.0.0.9';

interface JavaBackend {
  port: number;
  /** Bytes the backend received on all its connections (RouteX dials from 127.0.0.1). */
  bytes: number;
  joined: string[];
  close(): void;
}

/** A real minecraft-protocol server (offline mode), counting the bytes it receives. */
async function javaServer(version: string): Promise<JavaBackend> {
  const server = mc.createServer({ 'online-mode': false, host: '127.0.0.1', port: 0, version, motd: `routex ${version}` });
  await new Promise<void>((resolve) => server.on('listening', () => resolve()));
  // minecraft-protocol's types leave out the listening socket it keeps.
  const socketServer = (server as unknown as { socketServer: net.Server }).socketServer;
  const backend: JavaBackend = { port: (socketServer.address() as net.AddressInfo).port, bytes: 0, joined: [], close: () => server.close() };
  socketServer.on('connection', (socket: net.Socket) => {
    socket.on('data', (chunk: Buffer) => {
      backend.bytes += chunk.length;
    });
  });
  server.on('playerJoin', (client) => backend.joined.push(client.username));
  return backend;
}

function login(port: number, version: string, username: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = mc.createClient({ host: '127.0.0.1', port, username, version, auth: 'offline' });
    const timer = setTimeout(() => reject(new Error(`${username} did not reach the play state`)), 10_000);
    client.on('state', (state) => {
      if (state !== 'play') return;
      clearTimeout(timer);
      client.end();
      resolve();
    });
    client.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

test('real Minecraft Java clients pass inspection; 200 junk connections never reach the backend and their IP is banned', async (t) => {
  const backends = await Promise.all(VERSIONS.map(javaServer));
  for (const b of backends) t.after(() => b.close());
  const ports = await Promise.all(VERSIONS.map(() => freePort()));
  const l7 = `
l7_protection:
  enabled: true
  slow_connection:
    enabled: true
    min_bytes_in_first: 3
    handshake_timeout: 2s
  payload_inspection:
    enabled: true
    mode: "minecraft-java"
  connection_cycling:
    enabled: true
    window: 10s
    max_conns_in_window: 30
    ban_duration: 5m
  behavioral_scoring:
    enabled: true
    ban_threshold: 100
    ban_duration: 5m
`;
  const proxies = Object.fromEntries(VERSIONS.map((_version, i) => [`mc${i}.yaml`, proxyYaml({ name: `mc${i}`, originPorts: [ports[i]!], destPorts: [backends[i]!.port], extra: l7 })]));
  const sup = await SupervisorProcess.start({ proxies, waitForRunning: VERSIONS.map((_, i) => `mc${i}`) });
  t.after(() => sup.stop());

  for (const [i, version] of VERSIONS.entries()) {
    const status = await mc.ping({ host: '127.0.0.1', port: ports[i]!, version });
    assert.deepEqual((status as mc.NewPingResult).description, { text: `routex ${version}` }, `status ping through the proxy (${version})`);
    await login(ports[i]!, version, `Steve${i}`);
  }
  await waitFor('both servers to see their player join', () => backends.every((b) => b.joined.length === 1));
  assert.deepEqual(backends.map((b) => b.joined), [['Steve0'], ['Steve1']]);

  const bytesBefore = backends.map((b) => b.bytes);
  const random = seededRandom(1337);
  const junk: TcpClient[] = [];
  for (let n = 0; n < 200; n++) {
    const client = await TcpClient.connect(ports[n % 2]!, { localAddress: ATTACKER });
    t.after(() => client.destroy());
    client.write(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))));
    junk.push(client);
  }
  await Promise.all(junk.map((c) => c.waitClosed(4000)));
  assert.deepEqual(backends.map((b) => b.bytes), bytesBefore, 'no byte of the junk reached a backend');
  assert.ok(junk.every((c) => c.received.length === 0));
  const bans = (await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body as { ip: string }[];
  assert.deepEqual(bans.map((b) => b.ip), [ATTACKER]);
  // Real players still get in after the attack.
  await login(ports[0]!, VERSIONS[0]!, 'Alex');
  const blocked = await waitFor('the blocked counters', async () => {
    const views = await Promise.all(VERSIONS.map(async (_version, i) => (await sup.api('GET', `/api/proxies/mc${i}/l7`, { key: ADMIN_KEY })).body));
    const total = views.reduce((sum, v) => sum + v.blocked_total, 0);
    return total >= 200 ? views : undefined;
  });
  assert.ok(blocked.some((v) => (v.blocked.banned ?? 0) > 0));
});
