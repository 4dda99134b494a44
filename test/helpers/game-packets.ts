// Valid first packets of each game, built from the published layouts
// (../shared/reference/game-protocols.md), for detector tests and raw-socket e2e tests.

export function varInt(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return Buffer.from(out);
}

function mcString(text: string | Buffer): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return Buffer.concat([varInt(bytes.length), bytes]);
}

/** A Minecraft Java handshake packet, length-prefixed. */
export function javaHandshake(options: { protocol?: number; host?: string | Buffer; port?: number; nextState?: number } = {}): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(options.port ?? 25565);
  const body = Buffer.concat([Buffer.from([0x00]), varInt(options.protocol ?? 765), mcString(options.host ?? 'play.example.net'), port, varInt(options.nextState ?? 1)]);
  return Buffer.concat([varInt(body.length), body]);
}

/** The 1.6 legacy server-list ping (`FE 01 FA` + MC|PingHost). */
export function legacyPing(host = 'localhost', port = 25565, protocol = 78): Buffer {
  const utf16 = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
  const hostBytes = utf16(host);
  const head = Buffer.from([0xfe, 0x01, 0xfa, 0x00, 0x0b]);
  const payloadLength = Buffer.alloc(2);
  payloadLength.writeUInt16BE(7 + hostBytes.length);
  const hostLength = Buffer.alloc(2);
  hostLength.writeUInt16BE(host.length);
  const portBytes = Buffer.alloc(4);
  portBytes.writeInt32BE(port);
  return Buffer.concat([head, utf16('MC|PingHost'), payloadLength, Buffer.from([protocol]), hostLength, hostBytes, portBytes]);
}

export const RAKNET_MAGIC = Buffer.from('00ffff00fefefefefdfdfdfd12345678', 'hex');

export function raknetPing(id = 0x01): Buffer {
  const time = Buffer.alloc(8);
  time.writeBigInt64BE(123456789n);
  return Buffer.concat([Buffer.from([id]), time, RAKNET_MAGIC, Buffer.from('0102030405060708', 'hex')]);
}

export function raknetOpenRequest1(mtu = 1464): Buffer {
  return Buffer.concat([Buffer.from([0x05]), RAKNET_MAGIC, Buffer.from([11]), Buffer.alloc(mtu - 18)]);
}

export function raknetOpenRequest2(): Buffer {
  // Server address as RakNet writes IPv4: version 4, bytes inverted, port.
  const address = Buffer.from([4, ~127 & 0xff, 0xff, 0xff, ~1 & 0xff, 0x4a, 0xbc]);
  const mtu = Buffer.alloc(2);
  mtu.writeUInt16BE(1464);
  return Buffer.concat([Buffer.from([0x07]), RAKNET_MAGIC, address, mtu, Buffer.from('0102030405060708', 'hex')]);
}

const CONNECTIONLESS = Buffer.from([0xff, 0xff, 0xff, 0xff]);

export function a2sInfo(challenge?: number): Buffer {
  const parts = [CONNECTIONLESS, Buffer.from('TSource Engine Query\0', 'latin1')];
  if (challenge !== undefined) {
    const c = Buffer.alloc(4);
    c.writeInt32LE(challenge);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

export function a2sPlayer(challenge = -1, type = 0x55): Buffer {
  const c = Buffer.alloc(4);
  c.writeInt32LE(challenge);
  return Buffer.concat([CONNECTIONLESS, Buffer.from([type]), c]);
}

export function sourceGetChallenge(): Buffer {
  return Buffer.concat([CONNECTIONLESS, Buffer.from('q'), Buffer.from([1, 2, 3, 4]), Buffer.from('0000000000\0', 'latin1')]);
}

export function rconAuth(password = 'secret', id = 1): Buffer {
  const body = Buffer.from(`${password}\0\0`, 'latin1');
  const head = Buffer.alloc(12);
  head.writeInt32LE(8 + body.length, 0);
  head.writeInt32LE(id, 4);
  head.writeInt32LE(3, 8);
  return Buffer.concat([head, body]);
}

/** An ENet CONNECT datagram as a connecting peer sends it (peer id 0xFFF, sent time present). */
export function enetConnect(withChecksum = false): Buffer {
  const header = Buffer.from([0x8f, 0xff, 0x12, 0x34]);
  const command = Buffer.alloc(48);
  command[0] = 0x82; // CONNECT | acknowledge
  command[1] = 0xff; // channel
  command.writeUInt16BE(1, 2);
  command.writeUInt16BE(0, 4); // outgoing peer id
  command.writeUInt32BE(1400, 8); // mtu
  command.writeUInt32BE(32768, 12); // window size
  command.writeUInt32BE(2, 16); // channel count
  return Buffer.concat(withChecksum ? [header, Buffer.alloc(4), command] : [header, command]);
}

export function fivemGetInfo(): Buffer {
  return Buffer.concat([CONNECTIONLESS, Buffer.from('getinfo xxx', 'latin1')]);
}

export function minecraftQueryHandshake(): Buffer {
  return Buffer.from([0xfe, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x01]);
}

export function minecraftQueryStat(full: boolean): Buffer {
  const base = Buffer.from([0xfe, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x99, 0x88, 0x77]);
  return full ? Buffer.concat([base, Buffer.alloc(4)]) : base;
}
