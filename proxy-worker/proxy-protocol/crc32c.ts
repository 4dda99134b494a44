// CRC-32C (Castagnoli), the checksum of the PROXY v2 CRC32C TLV, table-driven.

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c >>> 0;
}

/** Continues a CRC-32C over `bytes[start, end)`; start with 0xffffffff, finish with `^ 0xffffffff`. */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}

export function crc32c(bytes: Uint8Array): number {
  return (crc32cUpdate(0xffffffff, bytes, 0, bytes.length) ^ 0xffffffff) >>> 0;
}

/** CRC-32C of `header[0, end)` with the 4 checksum bytes at `fieldOffset` taken as zero (as the spec computes it). */
export function headerCrc32c(header: Uint8Array, end: number, fieldOffset: number): number {
  let crc = crc32cUpdate(0xffffffff, header, 0, fieldOffset);
  for (let i = 0; i < 4; i++) crc = TABLE[crc & 0xff]! ^ (crc >>> 8);
  crc = crc32cUpdate(crc, header, fieldOffset + 4, end);
  return (crc ^ 0xffffffff) >>> 0;
}
