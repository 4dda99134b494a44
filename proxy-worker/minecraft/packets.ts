// Minecraft Java packets a proxy sends or reads itself before login: the handshake it sends to a
// backend, the status response and pong of a server-list ping, and the login disconnect.
// Uncompressed framing: VarInt length (id + payload), VarInt packet id, payload.
import { readVarInt, VARINT_INCOMPLETE, varIntSize, writeVarInt, type VarIntResult } from '../l7/detectors/varint.js';

export const HANDSHAKE_ID = 0x00;
export const STATUS_REQUEST_ID = 0x00;
export const STATUS_RESPONSE_ID = 0x00;
export const PING_ID = 0x01;
export const LOGIN_DISCONNECT_ID = 0x00;
/** Java strings are at most 32,767 UTF-16 units; a status JSON longer than that is refused by clients. */
export const MAX_STRING_UNITS = 32_767;

/** One packet with a VarInt id and the given payload parts. */
export function encodePacket(id: number, ...parts: Buffer[]): Buffer {
  const bodyLength = varIntSize(id) + parts.reduce((sum, part) => sum + part.length, 0);
  const packet = Buffer.allocUnsafe(varIntSize(bodyLength) + bodyLength);
  let offset = writeVarInt(packet, 0, bodyLength);
  offset = writeVarInt(packet, offset, id);
  for (const part of parts) offset += part.copy(packet, offset);
  return packet;
}

export function encodeString(text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  const prefix = Buffer.allocUnsafe(varIntSize(utf8.length));
  writeVarInt(prefix, 0, utf8.length);
  return Buffer.concat([prefix, utf8]);
}

export function encodeHandshake(protocolVersion: number, serverAddress: string, serverPort: number, nextState: number): Buffer {
  const version = Buffer.allocUnsafe(varIntSize(protocolVersion));
  writeVarInt(version, 0, protocolVersion);
  const port = Buffer.allocUnsafe(2);
  port.writeUInt16BE(serverPort & 0xffff, 0);
  return encodePacket(HANDSHAKE_ID, version, encodeString(serverAddress), port, Buffer.from([nextState]));
}

export const STATUS_REQUEST = encodePacket(STATUS_REQUEST_ID);

export function encodeStatusResponse(json: string): Buffer {
  return encodePacket(STATUS_RESPONSE_ID, encodeString(json));
}

/** The pong echoes the client's 8-byte payload. */
export function encodePong(payload: Uint8Array): Buffer {
  return encodePacket(PING_ID, Buffer.from(payload));
}

/** Login-state disconnect: a JSON text component, shown by the client on its "disconnected" screen. */
export function encodeLoginDisconnect(message: string): Buffer {
  return encodePacket(LOGIN_DISCONNECT_ID, encodeString(JSON.stringify({ text: message })));
}

export type FrameResult = { kind: 'need-more' } | { kind: 'invalid'; reason: string } | { kind: 'packet'; id: number; payloadStart: number; end: number };

const scratch: VarIntResult = { value: 0, length: 0 };
const MAX_VARINT_BYTES = 5;

/** Finds the packet starting at `offset`; a body longer than `maxBody` bytes is invalid. */
export function readFrame(bytes: Buffer, offset: number, maxBody: number): FrameResult {
  readVarInt(bytes, offset, bytes.length, MAX_VARINT_BYTES, scratch);
  if (scratch.length === VARINT_INCOMPLETE) return { kind: 'need-more' };
  if (scratch.length < 0) return { kind: 'invalid', reason: 'packet length is not a VarInt' };
  const bodyLength = scratch.value;
  if (bodyLength < 1 || bodyLength > maxBody) return { kind: 'invalid', reason: `packet length ${bodyLength} is outside 1-${maxBody}` };
  const bodyStart = offset + scratch.length;
  const end = bodyStart + bodyLength;
  if (end > bytes.length) return { kind: 'need-more' };
  readVarInt(bytes, bodyStart, end, MAX_VARINT_BYTES, scratch);
  if (scratch.length < 0) return { kind: 'invalid', reason: 'packet id is not a VarInt' };
  return { kind: 'packet', id: scratch.value, payloadStart: bodyStart + scratch.length, end };
}

/** The string at the start of a payload, or undefined when it does not fit the payload. */
export function readString(bytes: Buffer, offset: number, end: number): { text: string; end: number } | undefined {
  readVarInt(bytes, offset, end, MAX_VARINT_BYTES, scratch);
  if (scratch.length < 0 || scratch.value < 0) return undefined;
  const start = offset + scratch.length;
  const stringEnd = start + scratch.value;
  if (stringEnd > end) return undefined;
  return { text: bytes.toString('utf8', start, stringEnd), end: stringEnd };
}
