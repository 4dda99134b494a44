// Item 7 of the L7 issue, on live workers: random and mutated first bytes, split into random
// segments, against every detector over TCP and UDP. No worker dies or restarts, and valid
// clients are still served afterwards. (The 100,000-input fuzz per detector is in
// test/unit/l7/detector-fuzz.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { seededRandom } from '../helpers/seeded-random.js';
import * as packets from '../helpers/game-packets.js';

const TCP_INPUTS = 150;
const UDP_INPUTS = 1000;

const MODES = [
  { mode: 'minecraft-java', tcp: packets.javaHandshake(), udp: packets.minecraftQueryStat(false) },
  { mode: 'minecraft-bedrock', tcp: null, udp: packets.raknetPing() },
  { mode: 'fivem', tcp: Buffer.from('GET /info.json HTTP/1.1\r\n\r\n'), udp: packets.fivemGetInfo() },
  { mode: 'gmod', tcp: packets.rconAuth(), udp: packets.a2sInfo() },
  { mode: 'custom', tcp: Buffer.from([0x0f, 0x10, 1, 2]), udp: Buffer.from([0x0f, 0x10, 1, 2]) },
] as const;

const L7 = (mode: string) => `
l7_protection:
  enabled: true
  slow_connection:
    enabled: true
    handshake_timeout: 1s
  payload_inspection:
    enabled: true
    mode: "${mode}"
    custom_rules:
      - name: "ok"
        match_offset: 0
        match_bytes: "0x0F,0x10"
        action: "allow"
      - name: "junk"
        match_offset: 1
        match_bytes: "0x00,0x00"
        action: "drop"
`;

function fuzzed(seed: Buffer, random: () => number): Buffer {
  if (random() < 0.4) return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
  const bytes = Buffer.from(seed);
  for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  return random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
}

test('fuzzed first bytes and datagrams against every detector: no worker exits, valid clients still pass', async (t) => {
  const tcp = await startTcpBackend();
  const udp = await startUdpBackend();
  t.after(() => tcp.close());
  t.after(() => udp.close());
  const ports = await Promise.all(MODES.map(() => freePort()));
  const proxies = Object.fromEntries(MODES.map(({ mode }, i) => [`${mode}.yaml`, proxyYaml({ name: mode, originPorts: [ports[i]!], destPorts: [tcp.port], protocol: 'tcp', extra: L7(mode) })]));
  const udpPorts = await Promise.all(MODES.map(() => freePort()));
  for (const [i, { mode }] of MODES.entries()) proxies[`${mode}-udp.yaml`] = proxyYaml({ name: `${mode}-udp`, originPorts: [udpPorts[i]!], destPorts: [udp.port], protocol: 'udp', extra: L7(mode) });
  const names = Object.keys(proxies).map((file) => file.replace('.yaml', ''));
  const sup = await SupervisorProcess.start({ proxies, waitForRunning: names });
  t.after(() => sup.stop());
  const pids = new Map((await sup.proxies()).map((p) => [p.name, p.pid]));

  const random = seededRandom(4242);
  const clients: TcpClient[] = [];
  for (const [i, { tcp: seed }] of MODES.entries()) {
    if (seed === null) continue;
    for (let n = 0; n < TCP_INPUTS; n++) {
      const client = await TcpClient.connect(ports[i]!);
      t.after(() => client.destroy());
      const bytes = fuzzed(seed, random);
      // Random segments: the detector sees the input split at random offsets.
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 16);
        client.write(bytes.subarray(at, at + size));
        at += size;
      }
      if (random() < 0.3) client.end();
      clients.push(client);
    }
  }
  const sender = await UdpClient.bind();
  t.after(() => sender.close());
  for (const [i, { udp: seed }] of MODES.entries()) {
    for (let n = 0; n < UDP_INPUTS; n++) {
      const other = n % 50 === 0 ? await UdpClient.bind() : sender;
      if (other !== sender) t.after(() => other.close());
      other.send(udpPorts[i]!, fuzzed(seed, random));
    }
  }
  // Every fuzzed TCP connection is decided within handshake_timeout (1 s), one way or another.
  await waitFor('every fuzzed connection to be decided', () => clients.every((c) => c.closed || c.received.length > 0), { timeoutMs: 5000 });

  for (const [i, { mode, tcp: seed, udp: datagram }] of MODES.entries()) {
    if (seed !== null) {
      const client = await TcpClient.connect(ports[i]!);
      t.after(() => client.destroy());
      client.write(seed);
      await client.waitForBytes(seed.length);
    }
    const player = await UdpClient.bind();
    t.after(() => player.close());
    player.send(udpPorts[i]!, datagram);
    await waitFor(`a ${mode} datagram echoed`, () => player.replies.length > 0);
  }
  const after = await sup.proxies();
  for (const proxy of after) {
    assert.equal(proxy.state, 'running', proxy.name);
    assert.equal(proxy.pid, pids.get(proxy.name), `${proxy.name}: same worker`);
    assert.equal(proxy.restarts, 0, `${proxy.name}: no restart`);
  }
});
