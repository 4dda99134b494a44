// An A2S responder (Source engine server queries) for tests: answers info, players and rules,
// splits the rules reply over several datagrams as Source servers do, and, like servers since
// 2020, requires the challenge it hands out (S2C_CHALLENGE) — or, as an old or careless server,
// answers without one (`requireChallenge: false`).
import dgram from 'node:dgram';

export const CHALLENGE = 0x11223344;
const HEADER = Buffer.from([0xff, 0xff, 0xff, 0xff]);
export const RULES = Array.from({ length: 60 }, (_, i) => [`sv_rule_${i}`, `value-${'x'.repeat(30)}-${i}`] as const);
/** Payload bytes per split packet: the rules reply needs several. */
export const SPLIT_SIZE = 1000;

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

export function rulesReply(): Buffer {
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

export interface Responder {
  port: number;
  received: Buffer[];
}

/** Answers A2S like a Source server that requires challenges (anti-reflection, since 2020), unless told not to. */
export async function a2sResponder(t: { after(fn: () => unknown): void }, options: { requireChallenge?: boolean } = {}): Promise<Responder> {
  const requireChallenge = options.requireChallenge ?? true;
  const socket = dgram.createSocket('udp4');
  const responder: Responder = { port: 0, received: [] };
  let splitId = 1;
  socket.on('message', (message, rinfo) => {
    responder.received.push(message);
    const reply = (bytes: Buffer) => socket.send(bytes, rinfo.port, rinfo.address);
    const challenge = Buffer.concat([HEADER, Buffer.from('A'), int32(CHALLENGE)]);
    if (message.length < 5 || message.readInt32LE(0) !== -1) return;
    const type = String.fromCharCode(message[4]!);
    if (type === 'T') return reply(!requireChallenge || (message.length === 29 && message.readInt32LE(25) === CHALLENGE) ? infoReply() : challenge);
    if ((type !== 'U' && type !== 'V') || message.length < 9) return;
    if (requireChallenge && message.readInt32LE(5) !== CHALLENGE) return reply(challenge);
    if (type === 'U') return reply(playersReply());
    for (const part of split(rulesReply(), splitId++)) reply(part);
  });
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  t.after(() => socket.close());
  responder.port = socket.address().port;
  return responder;
}
