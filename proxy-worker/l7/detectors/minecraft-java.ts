// Minecraft Java Edition over TCP: the first packet of every connection is the handshake, or,
// from pre-Netty clients and the fallback of modern ones, the legacy server-list ping that
// starts with 0xFE. Layouts: ../shared/reference/game-protocols.md §3.1.
import { incomplete, type Verdict } from './verdict.js';
import { readVarInt, VARINT_INCOMPLETE, type VarIntResult } from './varint.js';

/**
 * Longest handshake accepted, in bytes after the length prefix. A vanilla handshake is under
 * 270 bytes; the allowance covers forwarding suffixes (`host///ip:port///time…`) and Forge markers.
 */
export const MAX_HANDSHAKE_LENGTH = 4096;
/** The length prefix of a handshake fits 3 VarInt bytes (mc-router refuses longer ones too). */
const LENGTH_PREFIX_MAX_BYTES = 3;
/** Packet id, protocol version, an empty address, port and next state. */
const MIN_HANDSHAKE_LENGTH = 6;
/** The host name the player typed, before any `\0` (Forge) or `///` (forwarding) suffix. */
const MAX_HOST_BYTES = 255;
export const MAX_JAVA_FIRST_BYTES = LENGTH_PREFIX_MAX_BYTES + MAX_HANDSHAKE_LENGTH;

const LEGACY_PING = 0xfe;
/** `FE 01 FA`, then the string "MC|PingHost" as a short length (11) and UTF-16BE characters. */
const LEGACY_PREFIX = Uint8Array.from([0xfe, 0x01, 0xfa, 0x00, 0x0b, ...[...'MC|PingHost'].flatMap((c) => [0, c.charCodeAt(0)])]);
/** Prefix, payload length (2), protocol (1), host length (2), host, port (4). */
const LEGACY_FIXED_BYTES = LEGACY_PREFIX.length + 2 + 1 + 2 + 4;

const varint: VarIntResult = { value: 0, length: 0 };

/**
 * Where a handshake's fields are, for readers that need more than the verdict (routing by host,
 * answering a status ping): filled when `inspectMinecraftJava` passes. Offsets index `bytes`.
 */
export interface HandshakeFields {
  /** The legacy `FE 01 FA` ping: only `end` is set. */
  legacy: boolean;
  protocolVersion: number;
  /** The server address as sent, Forge marker and forwarding suffix included: `bytes[hostStart, hostEnd)`. */
  hostStart: number;
  hostEnd: number;
  port: number;
  nextState: number;
  /** Just past the handshake packet (or the legacy ping): where the client's next packet starts. */
  end: number;
}

export function newHandshakeFields(): HandshakeFields {
  return { legacy: false, protocolVersion: 0, hostStart: 0, hostEnd: 0, port: 0, nextState: 0, end: 0 };
}

/** Not filled: the verdict alone is wanted. */
const unused = newHandshakeFields();

export function inspectMinecraftJava(bytes: Uint8Array, start: number, end: number, complete: boolean, fields: HandshakeFields = unused): Verdict {
  if (start >= end) return incomplete(complete);
  if (bytes[start] === LEGACY_PING) return inspectLegacyPing(bytes, start, end, complete, fields);
  readVarInt(bytes, start, end, LENGTH_PREFIX_MAX_BYTES, varint);
  if (varint.length === VARINT_INCOMPLETE) return incomplete(complete);
  if (varint.length < 0) return 'invalid_protocol';
  const length = varint.value;
  if (length < MIN_HANDSHAKE_LENGTH) return 'invalid_protocol';
  if (length > MAX_HANDSHAKE_LENGTH) return 'payload_too_large';
  const body = start + varint.length;
  if (end - body < length) {
    // Reject what is already wrong without waiting for the rest of the packet.
    if (body < end && bytes[body] !== 0x00) return 'invalid_protocol';
    return incomplete(complete);
  }
  return checkHandshakeBody(bytes, body, body + length, fields);
}

/** Packet id 0, protocol version, server address, port, next state, and nothing more. */
function checkHandshakeBody(bytes: Uint8Array, at: number, bodyEnd: number, fields: HandshakeFields): Verdict {
  if (bytes[at++] !== 0x00) return 'invalid_protocol';
  readVarInt(bytes, at, bodyEnd, 5, varint);
  if (varint.length < 0) return 'invalid_protocol';
  const protocolVersion = varint.value;
  at += varint.length;
  readVarInt(bytes, at, bodyEnd, 3, varint);
  if (varint.length < 0 || varint.value < 0) return 'invalid_protocol';
  at += varint.length;
  const hostStart = at;
  const hostEnd = at + varint.value;
  // Port (2 bytes) and a one-byte next state must follow the address.
  if (hostEnd + 3 > bodyEnd) return 'invalid_protocol';
  if (!validAddress(bytes, at, hostEnd)) return 'invalid_protocol';
  at = hostEnd + 2;
  const nextState = bytes[at++]!;
  if (nextState !== 1 && nextState !== 2 && nextState !== 3) return 'invalid_protocol';
  if (at !== bodyEnd) return 'invalid_protocol';
  fields.legacy = false;
  fields.protocolVersion = protocolVersion;
  fields.hostStart = hostStart;
  fields.hostEnd = hostEnd;
  fields.port = (bytes[hostEnd]! << 8) | bytes[hostEnd + 1]!;
  fields.nextState = nextState;
  fields.end = bodyEnd;
  return 'pass';
}

/**
 * The host part (up to a NUL or `///`) is at most 255 bytes with no control characters; what
 * follows (Forge's `\0FML…\0`, TCPShield/RealIP's `///ip:port///time`) is passed on unchecked.
 */
function validAddress(bytes: Uint8Array, at: number, end: number): boolean {
  for (let i = at; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x00 || (c === 0x2f && i + 2 < end && bytes[i + 1] === 0x2f && bytes[i + 2] === 0x2f)) return i - at <= MAX_HOST_BYTES;
    if (c < 0x20 || c === 0x7f) return false;
  }
  return end - at <= MAX_HOST_BYTES;
}

/**
 * The 1.6 legacy ping: `FE 01 FA`, "MC|PingHost", a payload length equal to 7 + 2 × host
 * length, a protocol byte, the host in UTF-16BE and an int port. Only this form is accepted:
 * the older bare `FE` / `FE 01` pings come from clients released before 2013.
 */
function inspectLegacyPing(bytes: Uint8Array, start: number, end: number, complete: boolean, fields: HandshakeFields): Verdict {
  const prefix = Math.min(end - start, LEGACY_PREFIX.length);
  for (let i = 0; i < prefix; i++) if (bytes[start + i] !== LEGACY_PREFIX[i]) return 'invalid_protocol';
  const fixedEnd = start + LEGACY_PREFIX.length + 5;
  if (end < fixedEnd) return incomplete(complete);
  const payloadLength = (bytes[start + LEGACY_PREFIX.length]! << 8) | bytes[start + LEGACY_PREFIX.length + 1]!;
  const hostChars = (bytes[fixedEnd - 2]! << 8) | bytes[fixedEnd - 1]!;
  if (hostChars > MAX_HOST_BYTES || payloadLength !== 7 + 2 * hostChars) return 'invalid_protocol';
  const total = LEGACY_FIXED_BYTES + 2 * hostChars;
  // Whatever follows (a client does not send more, but TCP may coalesce) is not inspected.
  if (end - start < total) return incomplete(complete);
  fields.legacy = true;
  fields.end = start + total;
  return 'pass';
}
