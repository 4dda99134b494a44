// Item 3 of the L7 issue: gamedig queries A2S info, players and rules through a proxy with gmod
// inspection on, against an A2S responder written here that requires challenges and splits its
// rules reply over several datagrams; a first datagram that is not a query is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { GameDig } from 'gamedig';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const CHALLENGE = 0x11223344;
const HEADER = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const RULES = Array.from({ length: 60 }, (_, i) => [`sv_rule_${i}`, `value-${'x'.repeat(30)}-${i}`] as const);
/** Payload bytes per split packet: the rules reply needs several. */
const SPLIT_SIZE = 1000;

const cstr = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf8');

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value | 0);
  return b;
}

function infoReply(): Buffer {
  return Buffer.concat([HEADER, Buffer.from('I'), Buffer.from([17]), cstr('RouteX test server'), cstr('gm_construct'), cstr('garrysmod'), cstr("Garry's Mod"),
    Buffer.from([0x04, 0x00]), Buffer.from([2, 32, 0, 0x64, 0x6c, 0, 1]), cstr('2024.01.01'), Buffer.from([0])]);
}

function playersReply(): Buffer {
  const player = (index: number, name: string, score: number) => {
    const duration = Buffer.alloc(4);
    duration.writeFloatLE(120.5);
    return Buffer.concat([Buffer.from([index]), cstr(name), int32(score), duration]);
  };
  return Buffer.concat([HEADER, Buffer.from('D'), Buffer.from([2]), player(0, 'Gordon', 10), player(1, 'Alyx', 20)]);
}

function rulesReply(): Buffer {
  const count = Buffer.alloc(2);
  count.writeUInt16LE(RULES.length);
  return Buffer.concat([HEADER, Buffer.from('E'), count, ...RULES.flatMap(([k, v]) => [cstr(k), cstr(v)])]);
}

/** A reply longer than one packet, as Source servers split it: `FE FF FF FF`, id, total, number, size. */
function split(reply: Buffer, id: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < reply.length; at += SPLIT_SIZE) parts.push(reply.subarray(at, at + SPLIT_SIZE));
  return parts.map((part, number) => {
    const head = Buffer.alloc(12);
    head.writeInt32LE(-2, 0);
    head.writeInt32LE(id, 4);
    head[8] = parts.length;
    head[9] = number;
    head.writeUInt16LE(SPLIT_SIZE + 12, 10);
    return Buffer.concat([head, part]);
  });
}

interface Responder {
  port: number;
  received: Buffer[];
}

/** Answers A2S like a Source server that requires challenges (anti-reflection, since 2020). */
async function a2sResponder(t: { after(fn: () => unknown): void }): Promise<Responder> {
  const socket = dgram.createSocket('udp4');
  const responder: Responder = { port: 0, received: [] };
  let splitId = 1;
  socket.on('message', (message, rinfo) => {
    responder.received.push(message);
    const reply = (bytes: Buffer) => socket.send(bytes, rinfo.port, rinfo.address);
    const challenge = Buffer.concat([HEADER, Buffer.from('A'), int32(CHALLENGE)]);
    if (message.readInt32LE(0) !== -1) return;
    const type = String.fromCharCode(message[4]!);
    if (type === 'T') return reply(message.length === 29 && message.readInt32LE(25) === CHALLENGE ? infoReply() : challenge);
    if (type !== 'U' && type !== 'V') return;
    if (message.readInt32LE(5) !== CHALLENGE) return reply(challenge);
    if (type === 'U') return reply(playersReply());
    for (const part of split(rulesReply(), splitId++)) reply(part);
  });
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  t.after(() => socket.close());
  responder.port = socket.address().port;
  return responder;
}

test('gamedig reads info, players and a split rules reply through gmod inspection; a non-query first datagram is dropped', async (t) => {
  const responder = await a2sResponder(t);
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'gm.yaml': proxyYaml({ name: 'gm', originPorts: [port], destPorts: [responder.port], protocol: 'udp', extra: 'l7_protection:\n  enabled: true\n  payload_inspection:\n    enabled: true\n    mode: "gmod"\n' }),
    },
    waitForRunning: ['gm'],
  });
  t.after(() => sup.stop());

  const state = await GameDig.query({ type: 'garrysmod', host: '127.0.0.1', port, requestRules: true, requestPlayers: true, socketTimeout: 2000, attemptTimeout: 8000, maxRetries: 1 });
  assert.equal(state.name, 'RouteX test server');
  assert.equal(state.map, 'gm_construct');
  assert.deepEqual([...state.players].map((p) => p.name).sort(), ['Alyx', 'Gordon']);
  const rules = (state.raw as { rules: Record<string, string> }).rules;
  assert.equal(Object.keys(rules).length, RULES.length);
  assert.equal(rules['sv_rule_59'], RULES[59]![1]);
  assert.ok(rulesReply().length > 2 * SPLIT_SIZE, 'the rules reply really is split');

  const received = responder.received.length;
  const stranger = await UdpClient.bind('127.0.0.8');
  t.after(() => stranger.close());
  stranger.send(port, Buffer.from('hello, is this a game server?'));
  stranger.send(port, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x42, 0, 0, 0, 0]));
  await waitFor('the drops to be counted', async () => {
    const view = (await sup.api('GET', '/api/proxies/gm/l7', { key: ADMIN_KEY })).body;
    return (view.blocked.invalid_protocol ?? 0) + (view.blocked.stray ?? 0) === 2;
  });
  assert.equal(responder.received.length, received, 'neither datagram reached the server');
  assert.equal(stranger.replies.length, 0);
});
