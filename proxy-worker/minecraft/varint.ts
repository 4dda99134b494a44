// Minecraft's VarInt: 7 bits per byte, least significant group first, high bit = more follows;
// at most 5 bytes for a 32-bit value.

export const MAX_VARINT_BYTES = 5;

/** `NEED_MORE` when the bytes end inside the VarInt; `INVALID` when it runs past 5 bytes. */
export const NEED_MORE = -1;
export const INVALID = -2;

/**
 * Reads a VarInt at `offset`. Returns its byte size (1–5) or NEED_MORE / INVALID; the value is
 * left in `out.value` so the hot path allocates nothing.
 */
export function readVarInt(bytes: Uint8Array, offset: number, end: number, out: { value: number }): number {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset + i >= end) return NEED_MORE;
    const byte = bytes[offset + i]!;
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) {
      out.value = value;
      return i + 1;
    }
  }
  return INVALID;
}

export function varIntSize(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Writes `value` at `offset`; returns the offset after it. */
export function writeVarInt(target: Buffer, offset: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    target[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[offset++] = v;
  return offset;
}
