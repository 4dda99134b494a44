// RakNet's unconnected ping and pong, which is all a Bedrock server-list ping is. The pong's
// "MCPE;…" advertisement string carries the MOTD, versions and player counts.
//   ping (0x01, or 0x02 "only if open slots"): id, time(8), magic(16), client guid(8)
//   pong (0x1C): id, time(8) echoed, server guid(8), magic(16), u16 length, advertisement

export const OFFLINE_MESSAGE_MAGIC = Buffer.from('00ffff00fefefefefdfdfdfd12345678', 'hex');
const UNCONNECTED_PING = 0x01;
const UNCONNECTED_PING_OPEN_CONNECTIONS = 0x02;
const UNCONNECTED_PONG = 0x1c;
export const PING_LENGTH = 1 + 8 + 16 + 8;
const PONG_HEADER = 1 + 8 + 8 + 16 + 2;
/** The longest advertisement passed on; real ones are ~100 bytes, and a datagram must stay unfragmented. */
export const MAX_ADVERTISEMENT_BYTES = 1024;

/** True for an unconnected ping with the magic in its place. */
export function isUnconnectedPing(datagram: Buffer): boolean {
  const id = datagram[0];
  return (
    datagram.length >= PING_LENGTH &&
    (id === UNCONNECTED_PING || id === UNCONNECTED_PING_OPEN_CONNECTIONS) &&
    datagram.compare(OFFLINE_MESSAGE_MAGIC, 0, 16, 9, 25) === 0
  );
}

/** A ping as the proxy sends it to a backend; `time` is what the pong echoes. */
export function encodeUnconnectedPing(time: bigint, clientGuid: bigint): Buffer {
  const ping = Buffer.alloc(PING_LENGTH);
  ping[0] = UNCONNECTED_PING;
  ping.writeBigUInt64BE(time, 1);
  OFFLINE_MESSAGE_MAGIC.copy(ping, 9);
  ping.writeBigUInt64BE(clientGuid, 25);
  return ping;
}

export interface Pong {
  time: bigint;
  /** The server's 8-byte GUID, kept as bytes: the proxy only echoes it. */
  serverGuid: Buffer;
  advertisement: string;
}

export function parseUnconnectedPong(datagram: Buffer): Pong | undefined {
  if (datagram.length < PONG_HEADER || datagram[0] !== UNCONNECTED_PONG) return undefined;
  if (datagram.compare(OFFLINE_MESSAGE_MAGIC, 0, 16, 17, 33) !== 0) return undefined;
  const length = datagram.readUInt16BE(33);
  if (length > MAX_ADVERTISEMENT_BYTES || PONG_HEADER + length > datagram.length) return undefined;
  return {
    time: datagram.readBigUInt64BE(1),
    serverGuid: Buffer.from(datagram.subarray(9, 17)),
    advertisement: datagram.toString('utf8', PONG_HEADER, PONG_HEADER + length),
  };
}

/**
 * The pong for `ping`: its time echoed, with `serverGuid` and `advertisement` (already checked
 * to be at most MAX_ADVERTISEMENT_BYTES).
 */
export function encodeUnconnectedPong(ping: Buffer, serverGuid: Buffer, advertisement: Buffer): Buffer {
  const pong = Buffer.allocUnsafe(PONG_HEADER + advertisement.length);
  pong[0] = UNCONNECTED_PONG;
  ping.copy(pong, 1, 1, 9);
  serverGuid.copy(pong, 9, 0, 8);
  OFFLINE_MESSAGE_MAGIC.copy(pong, 17);
  pong.writeUInt16BE(advertisement.length, 33);
  advertisement.copy(pong, PONG_HEADER);
  return pong;
}

export interface AdvertisementFields {
  motd: string;
  protocol: number;
  versionName: string;
  onlinePlayers: number;
  maxPlayers: number;
  serverGuid: bigint;
  subMotd: string;
  port: number;
}

/** `MCPE;motd;protocol;version;online;max;guid;sub-motd;gamemode;1;port4;port6;` (";" in texts would split fields). */
export function encodeAdvertisement(f: AdvertisementFields): string {
  const text = (value: string): string => value.replaceAll(';', ',');
  return `MCPE;${text(f.motd)};${f.protocol};${text(f.versionName)};${f.onlinePlayers};${f.maxPlayers};${f.serverGuid};${text(f.subMotd)};Survival;1;${f.port};${f.port};`;
}
