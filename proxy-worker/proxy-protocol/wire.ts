// The PROXY protocol's fixed bytes (haproxy doc/proxy-protocol.txt): the v2 signature and the
// values of its command, family/transport and TLV type fields, and the size limits of v1 and v2.

/** The 12 bytes every v2 header starts with; they contain a NUL, so no text protocol begins so. */
export const V2_SIGNATURE: Readonly<Buffer> = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** Signature, version/command, family/transport and the 2-byte length. */
export const V2_FIXED_BYTES = 16;
/** Version 2 in the high nibble of byte 13. */
export const V2_VERSION = 0x20;
export const V2_COMMAND_LOCAL = 0x0;
export const V2_COMMAND_PROXY = 0x1;

/** Byte 14: address family (high nibble) and transport (low nibble). */
export const FAMILY_UNSPEC = 0x00;
export const FAMILY_TCP4 = 0x11;
export const FAMILY_UDP4 = 0x12;
export const FAMILY_TCP6 = 0x21;
export const FAMILY_UDP6 = 0x22;
export const FAMILY_UNIX_STREAM = 0x31;
export const FAMILY_UNIX_DGRAM = 0x32;

/** Bytes of the address block after the fixed part, per family nibble (0 = none). */
export const ADDRESS_BYTES_INET = 12;
export const ADDRESS_BYTES_INET6 = 36;
export const ADDRESS_BYTES_UNIX = 216;

export const TLV_ALPN = 0x01;
export const TLV_AUTHORITY = 0x02;
export const TLV_CRC32C = 0x03;
export const TLV_NOOP = 0x04;
export const TLV_UNIQUE_ID = 0x05;
/** The spec caps a UNIQUE_ID value at 128 bytes. */
export const UNIQUE_ID_MAX_BYTES = 128;

/** `PROXY ` opens every v1 line. */
export const V1_PREFIX: Readonly<Buffer> = Buffer.from('PROXY ', 'latin1');
/** The longest v1 line, CRLF included ("PROXY UNKNOWN" + two full IPv6 addresses and ports). */
export const V1_MAX_LINE_BYTES = 107;
/** A v2 header can never be longer than this (the length field is 16 bits). */
export const V2_MAX_BYTES = V2_FIXED_BYTES + 0xffff;
