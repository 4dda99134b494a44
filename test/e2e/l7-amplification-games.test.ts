// Amplification (on, at the default ratio 10, with scoring) against real game traffic: a client
// that proves it receives the server's replies — by returning the challenge of a Source server or
// a Minecraft Query server, or by completing RakNet's open-connection handshake — is no longer
// measured, so server browsers and joining Bedrock players are never ended or scored; a source
// that never proves it (a forged one) is still ended and scored. A control proxy with the same
// traffic and mode `none` shows the traffic really is over the ratio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { GameDig } from 'gamedig';
import raknet from 'raknet-native';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { a2sPlayer } from '../helpers/game-packets.js';
import { a2sResponder, RULES } from '../helpers/a2s-responder.js';

type After = { after(fn: () => unknown): void };

/** l7_protection with amplification at its defaults, scoring at its defaults, and `mode`. */
const l7 = (mode: string) => `
l7_protection:
  enabled: true
  payload_inspection:
    enabled: true
    mode: "${mode}"
  amplification:
    enabled: true
  behavioral_scoring:
    enabled: true
`;

async function l7View(sup: SupervisorProcess, proxy: string): Promise<{ blocked: Record<string, number>; events: Record<string, number> }> {
  return (await sup.api('GET', `/api/proxies/${proxy}/l7`, { key: ADMIN_KEY })).body;
}

async function bans(sup: SupervisorProcess): Promise<string[]> {
  return ((await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body as { ip: string }[]).map((b) => b.ip);
}

async function udpProxies(t: After, proxies: Record<string, { backend: number; mode: string }>): Promise<{ sup: SupervisorProcess; ports: Record<string, number> }> {
  const ports: Record<string, number> = {};
  const files: Record<string, string> = {};
  for (const [name, { backend, mode }] of Object.entries(proxies)) {
    ports[name] = await freePort();
    files[`${name}.yaml`] = proxyYaml({ name, originPorts: [ports[name]!], destPorts: [backend], protocol: 'udp', extra: l7(mode) });
  }
  const sup = await SupervisorProcess.start({ proxies: files, waitForRunning: Object.keys(proxies) });
  t.after(() => sup.stop());
  return { sup, ports };
}

test('gmod: gamedig reads info, players and a split rules reply 5 times with amplification on; sources that never return a challenge are ended, scored and banned', async (t) => {
  const challenging = await a2sResponder(t);
  const careless = await a2sResponder(t, { requireChallenge: false });
  const { sup, ports } = await udpProxies(t, { gm: { backend: challenging.port, mode: 'gmod' }, gmold: { backend: careless.port, mode: 'gmod' } });

  for (let round = 1; round <= 5; round++) {
    const state = await GameDig.query({ type: 'garrysmod', host: '127.0.0.1', port: ports.gm!, requestRules: true, requestPlayers: true, socketTimeout: 2000, attemptTimeout: 8000, maxRetries: 1 });
    assert.deepEqual([...state.players].map((p) => p.name).sort(), ['Alyx', 'Gordon'], `round ${round}`);
    assert.equal(Object.keys((state.raw as { rules: Record<string, string> }).rules).length, RULES.length, `round ${round}: every rule`);
  }
  const view = await l7View(sup, 'gm');
  assert.deepEqual(view.events, {}, 'no event for a server browser');
  assert.deepEqual(view.blocked, {});
  assert.deepEqual(await bans(sup), []);

  // A forged source asks a server that answers without a challenge for its rules: three such
  // sessions (40 points each) reach the ban threshold of 100.
  for (let i = 0; i < 3; i++) {
    const forger = await UdpClient.bind('127.0.0.41');
    t.after(() => forger.close());
    forger.send(ports.gmold!, a2sPlayer(-1, 0x56));
    await waitFor(`amplification event ${i + 1}`, async () => ((await l7View(sup, 'gmold')).events.amplification_detected ?? 0) === i + 1);
    assert.ok(forger.replies.length < 3, 'the rest of the big answer was not relayed');
  }
  await waitFor('the forged source to be banned', async () => (await bans(sup)).includes('127.0.0.41'));
  const events = (await sup.api('GET', '/api/l7/events?proxy=gmold', { key: ADMIN_KEY })).body as { ip: string; event_type: string; score: number; action: string }[];
  assert.deepEqual(events.filter((e) => e.event_type === 'amplification_detected').map((e) => [e.ip, e.score, e.action]), Array(3).fill(['127.0.0.41', 40, 'ended']));

  // The same forged request against a server that requires challenges gets 9 bytes: no event.
  const asker = await UdpClient.bind('127.0.0.42');
  t.after(() => asker.close());
  asker.send(ports.gm!, a2sPlayer(-1, 0x56));
  await waitFor('the challenge', () => asker.replies.length === 1);
  assert.equal(asker.replies[0]!.length, 9);
  assert.deepEqual((await l7View(sup, 'gm')).events, {});
});

/** A RakNet server that, once a client connects, streams `count` messages of `size` bytes (like chunk data). */
async function streamingRakNetServer(t: After, count: number, size: number): Promise<{ port: number }> {
  const port = await freePort();
  // raknet-native's server needs an advertisement (the pong text) to start.
  const message = Buffer.from(`MCPE;RouteX;766;1.21.50;0;8;1;lvl;Survival;1;${port};${port};`);
  const server = new raknet.Server('127.0.0.1', port, { maxConnections: 8, protocolVersion: 11, message });
  server.on('openConnection', (client) => {
    for (let i = 0; i < count; i++) {
      const chunk = Buffer.alloc(size, i & 0xff);
      chunk[0] = 0xfe;
      chunk.writeUInt32BE(i, 1);
      client.send(chunk, raknet.PacketPriority.HIGH_PRIORITY, raknet.PacketReliability.RELIABLE_ORDERED, 0);
    }
  });
  void server.listen();
  t.after(() => server.close());
  return { port };
}

/** Connects a real RakNet client through `port` and counts the chunk messages it receives. */
function rakNetPlayer(t: After, port: number): { received: () => number; bytes: () => number } {
  const client = new raknet.Client('127.0.0.1', port, { protocolVersion: 11 });
  t.after(() => client.close());
  let received = 0;
  let bytes = 0;
  client.on('encapsulated', ({ buffer }) => {
    if (buffer[0] !== 0xfe) return;
    received++;
    bytes += buffer.length;
  });
  void client.connect();
  return { received: () => received, bytes: () => bytes };
}

test('Bedrock: a RakNet client that completed the handshake receives 224 KB of 1,400-byte chunks while sending only ACKs; with mode none the same session is ended', async (t) => {
  const COUNT = 160;
  const SIZE = 1400;
  const backend = await streamingRakNetServer(t, COUNT, SIZE);
  const { sup, ports } = await udpProxies(t, { be: { backend: backend.port, mode: 'minecraft-bedrock' }, benone: { backend: backend.port, mode: 'none' } });

  const player = rakNetPlayer(t, ports.be!);
  await waitFor('every chunk at the player', () => player.received() === COUNT, { timeoutMs: 20_000 });
  const sessions = (await sup.api('GET', '/api/proxies/be/connections', { key: ADMIN_KEY })).body as { bytes_in: number; bytes_out: number }[];
  assert.equal(sessions.length, 1, 'the session is still open');
  const [session] = sessions;
  t.diagnostic(`bedrock session: client sent ${session!.bytes_in} bytes, server ${session!.bytes_out} bytes (${(session!.bytes_out / session!.bytes_in).toFixed(1)}×), ${player.bytes()} bytes of chunks received`);
  assert.ok(session!.bytes_out > 10 * session!.bytes_in, 'the server really sent more than 10× the client');
  const view = await l7View(sup, 'be');
  assert.deepEqual(view.events, {});
  assert.deepEqual(view.blocked, {});

  // Control: the same join where amplification knows no game.
  const unproved = rakNetPlayer(t, ports.benone!);
  await waitFor('the unproved session to be ended', async () => ((await l7View(sup, 'benone')).events.amplification_detected ?? 0) >= 1, { timeoutMs: 20_000 });
  assert.ok(unproved.received() < COUNT, `the control received ${unproved.received()} of ${COUNT} chunks`);
  assert.deepEqual(await bans(sup), [], 'one event (40) is under the ban threshold');
});

/** A Minecraft Query server (GameSpy 4): a token per handshake, a full stat of `players` names only for that token (unless `lenient`). */
async function queryResponder(t: After, players: number, lenient = false): Promise<{ port: number }> {
  const socket = dgram.createSocket('udp4');
  const token = -123456789;
  socket.on('message', (message, rinfo) => {
    if (message.length < 7 || message[0] !== 0xfe || message[1] !== 0xfd) return;
    const session = message.subarray(3, 7);
    const reply = (...parts: Buffer[]) => socket.send(Buffer.concat(parts), rinfo.port, rinfo.address);
    if (message[2] === 0x09) return reply(Buffer.from([0x09]), session, Buffer.from(`${token}\0`, 'latin1'));
    if (message[2] !== 0x00 || message.length < 11 || (!lenient && message.readInt32BE(7) !== token)) return;
    const keys = ['hostname', 'RouteX query test', 'gametype', 'SMP', 'map', 'world', 'numplayers', String(players), 'maxplayers', '500', 'hostport', '25565', 'hostip', '127.0.0.1'];
    const names = Array.from({ length: players }, (_, i) => `player_number_${i}`);
    reply(Buffer.from([0x00]), session, Buffer.from('splitnum\0\x80\0', 'latin1'), Buffer.from(`${keys.join('\0')}\0\0\x01player_\0\0${names.join('\0')}\0\0`, 'latin1'));
  });
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  t.after(() => socket.close());
  return { port: socket.address().port };
}

test('Minecraft Query: gamedig reads a full stat 5 times with amplification on; a stat request without the token is ended', async (t) => {
  const PLAYERS = 100;
  const server = await queryResponder(t, PLAYERS);
  const lenient = await queryResponder(t, PLAYERS, true);
  const { sup, ports } = await udpProxies(t, { mcq: { backend: server.port, mode: 'minecraft-java' }, mcqlax: { backend: lenient.port, mode: 'minecraft-java' } });

  for (let round = 1; round <= 5; round++) {
    const state = await GameDig.query({ type: 'protocol-gamespy3', host: '127.0.0.1', port: ports.mcq!, socketTimeout: 2000, attemptTimeout: 8000, maxRetries: 1 });
    assert.equal(state.name, 'RouteX query test', `round ${round}`);
    assert.equal(state.players.length, PLAYERS, `round ${round}: every player`);
  }
  assert.deepEqual((await l7View(sup, 'mcq')).events, {});

  // A stat request with a guessed token, to a server that does not check it: over 10×, ended.
  const forger = await UdpClient.bind('127.0.0.43');
  t.after(() => forger.close());
  forger.send(ports.mcqlax!, Buffer.from([0xfe, 0xfd, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0x01]));
  await waitFor('the amplification event', async () => ((await l7View(sup, 'mcqlax')).events.amplification_detected ?? 0) === 1);
  assert.equal(forger.replies.length, 0);
});
