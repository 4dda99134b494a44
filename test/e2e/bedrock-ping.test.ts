// Minecraft Bedrock through the real supervisor: bedrock-protocol's server-list ping answered
// from the cached pong of a real bedrock-protocol server, ping floods kept from it, and the
// offline pong when it is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import bedrock from 'bedrock-protocol';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { startBedrockServer, startCountingRelay } from '../helpers/bedrock-backend.js';
import { encodeUnconnectedPing, parseUnconnectedPong } from '../../proxy-worker/bedrock/raknet-ping.js';

const TTL_MS = 3000;

/** Sends `count` unconnected pings from `sockets` sockets (new sources, as a flood has) and counts the pongs. */
async function pingFlood(port: number, count: number, sockets = 10): Promise<number> {
  let pongs = 0;
  const open = await Promise.all(
    Array.from({ length: sockets }, async () => {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (datagram) => {
        if (parseUnconnectedPong(datagram) !== undefined) pongs++;
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      return socket;
    }),
  );
  try {
    for (let i = 0; i < count; i++) open[i % sockets]!.send(encodeUnconnectedPing(BigInt(i), 7n), port, '127.0.0.1');
    await waitFor(`pongs for ${count} pings`, () => pongs >= count * 0.95, { timeoutMs: 5000 });
    return pongs;
  } finally {
    for (const socket of open) socket.close();
  }
}

test('bedrock-protocol\'s ping gets the backend\'s advertisement through the cache; 1,000 pings in one ttl reach the backend at most once; the offline pong when it is down', async (t) => {
  const server = await startBedrockServer('Bedrock through RouteX');
  t.after(() => server.close());
  const relay = await startCountingRelay(server.port);
  t.after(() => relay.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'be.yaml': proxyYaml({
        name: 'be',
        protocol: 'udp',
        originPorts: [port],
        destPorts: [relay.port],
        extra: `
timeouts:
  upstream_connect: 1s
status_cache:
  enabled: true
  ttl: ${TTL_MS}ms
offline_status:
  enabled: true
  motd: "Bedrock realm offline"
  version_name: "1.21.50"
  version_protocol: 766
  max_players: 5
`,
      }),
    },
    waitForRunning: ['be'],
  });
  t.after(() => sup.stop());

  const live = await bedrock.ping({ host: '127.0.0.1', port });
  assert.equal(live.motd, 'Bedrock through RouteX');
  assert.equal(live.levelName, 'RouteX level');
  assert.equal(relay.received, 1);
  const floodStarted = Date.now();
  const pongs = await pingFlood(port, 1000);
  assert.ok(Date.now() - floodStarted < TTL_MS, 'the flood fits in one ttl');
  assert.ok(pongs >= 950, `${pongs} pongs for 1,000 pings`);
  assert.equal(relay.received, 1, 'no ping of the flood reached the backend');

  server.close();
  const offline = await waitFor('the offline pong', async () => {
    const ad = await bedrock.ping({ host: '127.0.0.1', port });
    return ad.motd === 'Bedrock realm offline' ? ad : undefined;
  }, { timeoutMs: TTL_MS + 6000, intervalMs: 500 });
  assert.equal(offline.version, '1.21.50');
  assert.equal(Number(offline.protocol), 766);
  assert.equal(offline.playersMax, 5);
});
