// Item 2 of the L7 issue: Bedrock (RakNet over UDP) with minecraft-bedrock inspection. A real
// client's unconnected ping and connection pass; later datagrams of a session (ACK, NAK, frame
// sets) are neither inspected nor dropped; garbage first datagrams are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import bedrock from 'bedrock-protocol';
import raknet from 'raknet-native';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { raknetOpenRequest1, raknetOpenRequest2, raknetPing } from '../helpers/game-packets.js';

const INSPECT = `
l7_protection:
  enabled: true
  payload_inspection:
    enabled: true
    mode: "minecraft-bedrock"
  behavioral_scoring:
    enabled: true
`;

test('a real Bedrock ping and RakNet connection pass minecraft-bedrock inspection', async (t) => {
  const backendPort = await freePort();
  const server = bedrock.createServer({ host: '127.0.0.1', port: backendPort, version: '1.21.50', offline: true, motd: { motd: 'routex-bedrock', levelName: 'lvl' } });
  t.after(() => server.close());
  let connected = 0;
  server.on('connect', () => connected++);
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'be.yaml': proxyYaml({ name: 'be', originPorts: [port], destPorts: [backendPort], protocol: 'udp', extra: INSPECT }) }, waitForRunning: ['be'] });
  t.after(() => sup.stop());

  const advertisement = await waitFor('a pong through the proxy', async () => {
    try {
      return await bedrock.ping({ host: '127.0.0.1', port });
    } catch {
      return undefined;
    }
  });
  assert.equal(advertisement.motd, 'routex-bedrock');

  const client = new raknet.Client('127.0.0.1', port, { protocolVersion: 11 });
  t.after(() => client.close());
  const joined = new Promise<void>((resolve) => client.on('connect', () => resolve()));
  void client.connect();
  await joined;
  await waitFor('the server to see the connection', () => connected === 1);
  const view = (await sup.api('GET', '/api/proxies/be/l7', { key: ADMIN_KEY })).body;
  assert.equal(view.blocked_total, 0, 'nothing of the real client was blocked');
});

interface RecordedDatagram {
  from: string;
  bytes: Buffer;
}

async function recordingUdpBackend(t: { after(fn: () => unknown): void }): Promise<{ port: number; received: RecordedDatagram[] }> {
  const socket = dgram.createSocket('udp4');
  const received: RecordedDatagram[] = [];
  socket.on('message', (bytes, rinfo) => received.push({ from: `${rinfo.address}:${rinfo.port}`, bytes }));
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  t.after(() => socket.close());
  return { port: socket.address().port, received };
}

test('after a valid first datagram, ACK, NAK and frame sets pass untouched; garbage first datagrams are dropped', async (t) => {
  const backend = await recordingUdpBackend(t);
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'be.yaml': proxyYaml({ name: 'be', originPorts: [port], destPorts: [backend.port], protocol: 'udp', extra: INSPECT }) }, waitForRunning: ['be'] });
  t.after(() => sup.stop());

  const player = await UdpClient.bind('127.0.0.1');
  t.after(() => player.close());
  // Every frame set id 0x80–0x8F, with ACKs and NAKs between them: none of them is inspected.
  const frames = Array.from({ length: 16 }, (_, i) => Buffer.from([0x80 + i, i, 0, 0, 0x40, 0, 0x90, 0, 0, 0, 0x09]));
  const connected = frames.flatMap((frame, i) => [frame, Buffer.from([0xc0, 0, 1, 1, i, 0, 0]), Buffer.from([0xa0, 0, 1, 1, i, 0, 0])]);
  const session = [raknetPing(), raknetOpenRequest1(1464), raknetOpenRequest2(), ...connected];
  for (const datagram of session) player.send(port, datagram);
  await waitFor('every datagram of the session at the backend', () => backend.received.length === session.length);
  assert.deepEqual(backend.received.map((d) => d.bytes), session);
  assert.equal(new Set(backend.received.map((d) => d.from)).size, 1, 'one session');

  // Open connection requests 1 and 2 each pass as the first datagram of a session of their own.
  for (const request of [raknetOpenRequest1(576), raknetOpenRequest2()]) {
    const joiner = await UdpClient.bind('127.0.0.1');
    t.after(() => joiner.close());
    const before = backend.received.length;
    joiner.send(port, request);
    await waitFor('the open connection request at the backend', () => backend.received.length === before + 1);
    assert.deepEqual(backend.received.at(-1)!.bytes, request);
  }

  const attacker = await UdpClient.bind('127.0.0.6');
  t.after(() => attacker.close());
  const garbage = [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(64), Buffer.from([0x09, 1, 2, 3]), Buffer.concat([Buffer.from([0x01]), Buffer.alloc(40, 0x55)])];
  for (const datagram of garbage) attacker.send(port, datagram);
  const stray = await UdpClient.bind('127.0.0.7');
  t.after(() => stray.close());
  stray.send(port, Buffer.from([0x84, 0, 0, 1, 0x40, 0, 0x90]));
  const view = await waitFor('the drops to be counted', async () => {
    const body = (await sup.api('GET', '/api/proxies/be/l7', { key: ADMIN_KEY })).body;
    return (body.blocked.invalid_protocol ?? 0) === garbage.length && (body.blocked.stray ?? 0) === 1 ? body : undefined;
  });
  assert.equal(backend.received.length, session.length + 2, 'no garbage reached the backend');
  assert.equal(view.events.invalid_protocol, garbage.length);
  assert.equal(view.events.stray, undefined, 'a stray datagram is not an offence');
});
