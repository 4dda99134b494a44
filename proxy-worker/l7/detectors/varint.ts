// Minecraft's VarInt: 7 bits per byte, least significant group first, high bit = "more follows".
// A 32-bit value takes at most 5 bytes. Results go into a reused object so reading allocates
// nothing.

export const VARINT_INCOMPLETE = -1;
export const VARINT_TOO_LONG = -2;

export interface VarIntResult {
  /** The value as a signed 32-bit integer (what Java reads). */
  value: number;
  /** Bytes read, or VARINT_INCOMPLETE / VARINT_TOO_LONG. */
  length: number;
}

/**
 * Reads a VarInt at `at` using at most `maxBytes` bytes (5 for any int; fewer where the protocol
 * allows less, like a packet length). Sets `out.length` to VARINT_INCOMPLETE when the bytes end
 * first and to VARINT_TOO_LONG when `maxBytes` pass without a final byte.
 */
export function readVarInt(bytes: Uint8Array, at: number, end: number, maxBytes: number, out: VarIntResult): VarIntResult {
  let value = 0;
  for (let i = 0; i < maxBytes; i++) {
    if (at + i >= end) {
      out.length = VARINT_INCOMPLETE;
      return out;
    }
    const byte = bytes[at + i]!;
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) {
      // The fifth byte of a 32-bit VarInt may only carry the top four bits.
      if (i === 4 && byte > 0x0f) break;
      out.value = value;
      out.length = i + 1;
      return out;
    }
  }
  out.length = VARINT_TOO_LONG;
  return out;
}

/** Bytes `value` takes as a VarInt (negative values, as signed 32-bit, take 5). */
export function varIntSize(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Writes `value` as a VarInt at `offset`; returns the offset after it. */
export function writeVarInt(target: Uint8Array, offset: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    target[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[offset++] = v;
  return offset;
}
