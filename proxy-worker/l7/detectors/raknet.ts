// Minecraft Bedrock: RakNet over UDP. A session starts with an offline message carrying the
// 16-byte "offline message data id" magic at a fixed offset for its id (§3.2 of
// ../shared/reference/game-protocols.md):
//   0x01/0x02 unconnected ping: id, time (8), magic, client GUID (8)           → magic at 1 + 8
//   0x05 open connection request 1: id, magic, protocol (1), zero padding to the MTU probed
//   0x07 open connection request 2: id, magic, [cookie], server address, MTU (2), GUID (8)
// Connected traffic (frame sets 0x80–0x8F, ACK 0xC0, NAK 0xA0) cannot start a session: the
// backend sees each session's own upstream port, so it would not know that connection.
import { bytesEqual, type Verdict } from './verdict.js';

export const RAKNET_MAGIC = Uint8Array.from([0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe, 0xfe, 0xfe, 0xfd, 0xfd, 0xfd, 0xfd, 0x12, 0x34, 0x56, 0x78]);

/** The largest datagram a RakNet client sends: an MTU probe padded to 1500 bytes at most. */
export const MAX_RAKNET_DATAGRAM = 1500;

const UNCONNECTED_PING = 0x01;
const UNCONNECTED_PING_OPEN = 0x02;
const OPEN_CONNECTION_REQUEST_1 = 0x05;
const OPEN_CONNECTION_REQUEST_2 = 0x07;
const ACK = 0xc0;
const NAK = 0xa0;

/** id + time + magic; the client GUID after it is optional in older RakNet versions. */
const PING_MIN = 1 + 8 + 16;
const PING_MAX = 64;
/** id + magic + protocol version. */
const REQUEST_1_MIN = 1 + 16 + 1;
/** id + magic + IPv4 address (7) + MTU (2) + GUID (8); a cookie or an IPv6 address makes it longer. */
const REQUEST_2_MIN = 1 + 16 + 7 + 2 + 8;
const REQUEST_2_MAX = 128;

export function inspectRakNet(bytes: Uint8Array, start: number, end: number): Verdict {
  const length = end - start;
  if (length < 1) return 'payload_too_small';
  const id = bytes[start]!;
  switch (id) {
    case UNCONNECTED_PING:
    case UNCONNECTED_PING_OPEN:
      return offlineMessage(bytes, start, end, 9, PING_MIN, PING_MAX);
    case OPEN_CONNECTION_REQUEST_1:
      return offlineMessage(bytes, start, end, 1, REQUEST_1_MIN, MAX_RAKNET_DATAGRAM);
    case OPEN_CONNECTION_REQUEST_2:
      return offlineMessage(bytes, start, end, 1, REQUEST_2_MIN, REQUEST_2_MAX);
    default:
      if ((id >= 0x80 && id <= 0x8f) || id === ACK || id === NAK) return length <= MAX_RAKNET_DATAGRAM ? 'stray' : 'payload_too_large';
      return 'invalid_protocol';
  }
}

function offlineMessage(bytes: Uint8Array, start: number, end: number, magicAt: number, min: number, max: number): Verdict {
  const length = end - start;
  if (length >= magicAt + RAKNET_MAGIC.length && !bytesEqual(bytes, start + magicAt, end, RAKNET_MAGIC)) return 'invalid_protocol';
  if (length < min) return 'payload_too_small';
  return length <= max ? 'pass' : 'payload_too_large';
}
