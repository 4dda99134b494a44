// FiveM/RedM over UDP (same port as its HTTP endpoint): a session starts with either an
// out-of-band text command (`FF FF FF FF getinfo xxx`, as server browsers send) or an ENet
// CONNECT. ENet datagrams start with a big-endian peer id whose low 12 bits are 0xFFF until the
// server assigns one (top bits: 0x8000 sent-time present, 0x4000 compressed, 0x3000 session),
// then an optional sent time (2) and checksum (4), then commands; CONNECT is command 2 with the
// acknowledge flag (0x82) on channel 0xFF and a 44-byte body.
import type { Verdict } from './verdict.js';

const OUT_OF_BAND = 0xff;
const PEER_ID_MASK = 0x0fff;
const UNASSIGNED_PEER = 0x0fff;
const FLAG_SENT_TIME = 0x8000;
const FLAG_COMPRESSED = 0x4000;
const COMMAND_MASK = 0x0f;
const COMMAND_CONNECT = 2;
/** Command header (4) + CONNECT body (44). */
const CONNECT_COMMAND_BYTES = 48;
/** ENet's largest MTU. */
const MAX_ENET_DATAGRAM = 4096;
const MAX_OUT_OF_BAND = 1400;

export function inspectFivemUdp(bytes: Uint8Array, start: number, end: number): Verdict {
  const length = end - start;
  if (length < 4) return 'payload_too_small';
  if (length > MAX_ENET_DATAGRAM) return 'payload_too_large';
  if (bytes[start] === OUT_OF_BAND && bytes[start + 1] === OUT_OF_BAND && bytes[start + 2] === OUT_OF_BAND && bytes[start + 3] === OUT_OF_BAND) {
    return outOfBand(bytes, start, end);
  }
  const peer = (bytes[start]! << 8) | bytes[start + 1]!;
  // A datagram of a peer the server already numbered: in-game traffic, not a session start.
  if ((peer & PEER_ID_MASK) !== UNASSIGNED_PEER) return 'stray';
  if ((peer & FLAG_COMPRESSED) !== 0) return 'pass';
  const headerBytes = (peer & FLAG_SENT_TIME) !== 0 ? 4 : 2;
  // With or without ENet's optional 4-byte checksum after the header.
  for (let checksum = 0; checksum <= 4; checksum += 4) {
    const at = start + headerBytes + checksum;
    if (end - at >= CONNECT_COMMAND_BYTES && (bytes[at]! & COMMAND_MASK) === COMMAND_CONNECT && bytes[at + 1] === 0xff) return 'pass';
  }
  return end - start < headerBytes + CONNECT_COMMAND_BYTES ? 'payload_too_small' : 'invalid_protocol';
}

/** A printable text command after the four 0xFF bytes. */
function outOfBand(bytes: Uint8Array, start: number, end: number): Verdict {
  if (end - start === 4) return 'payload_too_small';
  if (end - start > MAX_OUT_OF_BAND) return 'payload_too_large';
  for (let i = start + 4; i < end; i++) {
    const c = bytes[i]!;
    if ((c < 0x20 || c > 0x7e) && c !== 0x0a && c !== 0x00) return 'invalid_protocol';
  }
  return bytes[start + 4]! >= 0x61 && bytes[start + 4]! <= 0x7a ? 'pass' : 'invalid_protocol';
}
