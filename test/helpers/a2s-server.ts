// A Source game server's query side, as srcds answers it since 2020: every A2S query needs a
// challenge; the rules reply is split over two datagrams (Source split layout).
import dgram from 'node:dgram';

export interface A2sServerInfo {
  name: string;
  map: string;
  players: { name: string; score: number }[];
  rules: Record<string, string>;
}

export interface A2sServer {
  port: number;
  info: A2sServerInfo;
  /** Queries received, by header byte ('T', 'U', 'V', 'W'), challenged or not; 'other' for the rest. */
  received: Map<string, number>;
  close(): Promise<void>;
}

const CHALLENGE = 0x1234abcd;
const SIMPLE = Buffer.from([0xff, 0xff, 0xff, 0xff]);

function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf8');
}

function infoReply(info: A2sServerInfo): Buffer {
  const tail = Buffer.from([info.players.length, 32, 0, 0x64, 0x6c, 0, 1]);
  const appId = Buffer.alloc(2);
  appId.writeUInt16LE(4000, 0);
  return Buffer.concat([SIMPLE, Buffer.from([0x49, 17]), cString(info.name), cString(info.map), cString('garrysmod'), cString("Garry's Mod"), appId, tail, cString('2024.01.01'), Buffer.from([0])]);
}

function playerReply(info: A2sServerInfo): Buffer {
  const entries = info.players.map((player, index) => {
    const numbers = Buffer.alloc(8);
    numbers.writeInt32LE(player.score, 0);
    numbers.writeFloatLE(60, 4);
    return Buffer.concat([Buffer.from([index]), cString(player.name), numbers]);
  });
  return Buffer.concat([SIMPLE, Buffer.from([0x44, info.players.length]), ...entries]);
}

/** The rules reply cut in two Source split packets: FE FF FF FF, id, total, number, size, payload. */
function rulesReplySplit(info: A2sServerInfo): Buffer[] {
  const count = Buffer.alloc(2);
  count.writeUInt16LE(Object.keys(info.rules).length, 0);
  const whole = Buffer.concat([SIMPLE, Buffer.from([0x45]), count, ...Object.entries(info.rules).flatMap(([k, v]) => [cString(k), cString(v)])]);
  const half = Math.ceil(whole.length / 2);
  return [whole.subarray(0, half), whole.subarray(half)].map((payload, number) => {
    const header = Buffer.alloc(12);
    header.writeInt32LE(-2, 0);
    header.writeInt32LE(0x2a, 4);
    header[8] = 2;
    header[9] = number;
    header.writeUInt16LE(1248, 10);
    return Buffer.concat([header, payload]);
  });
}

export async function startA2sServer(info: A2sServerInfo): Promise<A2sServer> {
  const socket = dgram.createSocket('udp4');
  const received = new Map<string, number>();
  const challengeReply = Buffer.concat([SIMPLE, Buffer.from([0x41]), Buffer.alloc(4)]);
  challengeReply.writeInt32LE(CHALLENGE, 5);
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 5 || msg.readInt32LE(0) !== -1) {
      received.set('other', (received.get('other') ?? 0) + 1);
      return;
    }
    const type = String.fromCharCode(msg[4]!);
    received.set(type, (received.get(type) ?? 0) + 1);
    const send = (reply: Buffer): void => socket.send(reply, rinfo.port, rinfo.address);
    const challengeOffset = type === 'T' ? 25 : 5;
    const challenged = msg.length >= challengeOffset + 4 && msg.readInt32LE(challengeOffset) === CHALLENGE;
    if (type === 'W' || !challenged) return send(challengeReply);
    if (type === 'T') send(infoReply(info));
    else if (type === 'U') send(playerReply(info));
    else if (type === 'V') for (const part of rulesReplySplit(info)) send(part);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    info,
    received,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
