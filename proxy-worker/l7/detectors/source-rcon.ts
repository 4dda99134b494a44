// Source engine over TCP: RCON (developer.valvesoftware.com/wiki/Source_RCON_Protocol). Every
// packet is little-endian: size (int32, counting what follows), request id (int32), type
// (int32), a NUL-terminated body, and an empty NUL-terminated string. The first packet of a
// connection must be SERVERDATA_AUTH (type 3) carrying the password.
import { incomplete, type Verdict } from './verdict.js';

const SERVERDATA_AUTH = 3;
/** id + type + two terminating NULs. */
const MIN_SIZE = 10;
/** Valve's limit for a packet, size field excluded. */
const MAX_SIZE = 4096;
export const MAX_RCON_FIRST_BYTES = 4 + MAX_SIZE;

function int32le(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

export function inspectSourceRcon(bytes: Uint8Array, start: number, end: number, complete: boolean): Verdict {
  if (end - start < 4) return incomplete(complete);
  const size = int32le(bytes, start);
  if (size < MIN_SIZE) return 'invalid_protocol';
  if (size > MAX_SIZE) return 'payload_too_large';
  if (end - start < 12) return incomplete(complete);
  if (int32le(bytes, start + 8) !== SERVERDATA_AUTH) return 'invalid_protocol';
  const packetEnd = start + 4 + size;
  if (end < packetEnd) return incomplete(complete);
  // The body ends at the first NUL, which must be the second-to-last byte.
  for (let i = start + 12; i < packetEnd - 2; i++) if (bytes[i] === 0x00) return 'invalid_protocol';
  return bytes[packetEnd - 2] === 0x00 && bytes[packetEnd - 1] === 0x00 ? 'pass' : 'invalid_protocol';
}
