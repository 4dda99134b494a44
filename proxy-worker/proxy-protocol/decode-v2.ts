// The v2 binary header, decoded strictly: signature, version 2, command LOCAL or PROXY, a
// family/transport byte from the spec's list, a length within the caller's cap, an address block
// as long as its family needs, and TLVs that fit exactly (UNIQUE_ID ≤ 128 bytes, CRC32C checked).
import { formatIpv4, formatIpv6, isV4Mapped } from '../../shared/acl/ip-address.js';
import { headerCrc32c } from './crc32c.js';
import { INCOMPLETE, NO_TLVS, invalid, type DecodeResult, type HeaderAddress, type ProxyHeader, type Tlv } from './proxy-header.js';
import {
  ADDRESS_BYTES_INET,
  ADDRESS_BYTES_INET6,
  ADDRESS_BYTES_UNIX,
  FAMILY_TCP4,
  FAMILY_TCP6,
  FAMILY_UDP4,
  FAMILY_UDP6,
  FAMILY_UNIX_DGRAM,
  FAMILY_UNIX_STREAM,
  FAMILY_UNSPEC,
  TLV_CRC32C,
  TLV_UNIQUE_ID,
  UNIQUE_ID_MAX_BYTES,
  V2_COMMAND_LOCAL,
  V2_COMMAND_PROXY,
  V2_FIXED_BYTES,
  V2_SIGNATURE,
  V2_VERSION,
} from './wire.js';

const ADDRESS_BYTES: ReadonlyMap<number, number> = new Map([
  [FAMILY_UNSPEC, 0],
  [FAMILY_TCP4, ADDRESS_BYTES_INET],
  [FAMILY_UDP4, ADDRESS_BYTES_INET],
  [FAMILY_TCP6, ADDRESS_BYTES_INET6],
  [FAMILY_UDP6, ADDRESS_BYTES_INET6],
  [FAMILY_UNIX_STREAM, ADDRESS_BYTES_UNIX],
  [FAMILY_UNIX_DGRAM, ADDRESS_BYTES_UNIX],
]);

const LOCAL_HEADER: ProxyHeader = Object.freeze({ version: 2, command: 'local', transport: null, source: null, destination: null, tlvs: NO_TLVS });
const UNSPEC_HEADER: ProxyHeader = Object.freeze({ version: 2, command: 'proxy', transport: null, source: null, destination: null, tlvs: NO_TLVS });

/**
 * Decodes the v2 header at the start of `bytes`, rejecting as soon as the bytes seen so far
 * cannot start a valid header. `maxHeaderBytes` caps the whole header, TLVs included.
 */
export function decodeV2(bytes: Buffer, maxHeaderBytes: number): DecodeResult {
  const signatureSeen = Math.min(bytes.length, V2_SIGNATURE.length);
  for (let i = 0; i < signatureSeen; i++) if (bytes[i] !== V2_SIGNATURE[i]) return invalid('not a PROXY protocol header');
  if (bytes.length <= 12) return INCOMPLETE;
  const versionCommand = bytes[12]!;
  if ((versionCommand & 0xf0) !== V2_VERSION) return invalid(`PROXY v2 header has version ${versionCommand >> 4}, not 2`);
  const command = versionCommand & 0x0f;
  if (command !== V2_COMMAND_LOCAL && command !== V2_COMMAND_PROXY) return invalid(`PROXY v2 header has command ${command}, neither LOCAL (0) nor PROXY (1)`);
  if (bytes.length <= 13) return INCOMPLETE;
  const family = bytes[13]!;
  const addressBytes = ADDRESS_BYTES.get(family);
  if (addressBytes === undefined) return invalid(`PROXY v2 header has an unknown family/transport byte 0x${family.toString(16).padStart(2, '0')}`);
  if (bytes.length < V2_FIXED_BYTES) return INCOMPLETE;
  const total = V2_FIXED_BYTES + bytes.readUInt16BE(14);
  if (total > maxHeaderBytes) return invalid(`PROXY v2 header of ${total} bytes is longer than the ${maxHeaderBytes} allowed`);
  if (bytes.length < total) return INCOMPLETE;
  // LOCAL and UNSPEC: the receiver skips the whole block by its length and keeps the socket's endpoints.
  if (command === V2_COMMAND_LOCAL) return { status: 'complete', header: LOCAL_HEADER, length: total };
  if (family === FAMILY_UNSPEC) return { status: 'complete', header: UNSPEC_HEADER, length: total };
  if (total - V2_FIXED_BYTES < addressBytes) return invalid(`PROXY v2 header is too short for its addresses (${total - V2_FIXED_BYTES} of ${addressBytes} bytes)`);
  const tlvs = decodeTlvs(bytes, V2_FIXED_BYTES + addressBytes, total);
  if (typeof tlvs === 'string') return invalid(tlvs);
  return { status: 'complete', header: proxyHeader(bytes, family, tlvs), length: total };
}

function proxyHeader(bytes: Buffer, family: number, tlvs: readonly Tlv[]): ProxyHeader {
  const transport = (family & 0x0f) === 0x1 ? 'tcp' : 'udp';
  if (family === FAMILY_UNIX_STREAM || family === FAMILY_UNIX_DGRAM) {
    return { version: 2, command: 'proxy', transport, source: null, destination: null, tlvs };
  }
  let source: HeaderAddress;
  let destination: HeaderAddress;
  const at = V2_FIXED_BYTES;
  if (family === FAMILY_TCP4 || family === FAMILY_UDP4) {
    source = { ip: formatIpv4(bytes.readUInt32BE(at)), port: bytes.readUInt16BE(at + 8) };
    destination = { ip: formatIpv4(bytes.readUInt32BE(at + 4)), port: bytes.readUInt16BE(at + 10) };
  } else {
    source = { ip: ipv6At(bytes, at), port: bytes.readUInt16BE(at + 32) };
    destination = { ip: ipv6At(bytes, at + 16), port: bytes.readUInt16BE(at + 34) };
  }
  return { version: 2, command: 'proxy', transport, source, destination, tlvs };
}

const words = new Uint32Array(4);

function ipv6At(bytes: Buffer, offset: number): string {
  for (let w = 0; w < 4; w++) words[w] = bytes.readUInt32BE(offset + 4 * w);
  return isV4Mapped(words) ? formatIpv4(words[3]!) : formatIpv6(words);
}

/** The TLVs in `bytes[start, end)`, or why they are malformed. */
function decodeTlvs(bytes: Buffer, start: number, end: number): readonly Tlv[] | string {
  if (start === end) return NO_TLVS;
  const tlvs: Tlv[] = [];
  let offset = start;
  while (offset < end) {
    if (end - offset < 3) return 'PROXY v2 header ends inside a TLV';
    const type = bytes[offset]!;
    const length = bytes.readUInt16BE(offset + 1);
    const valueAt = offset + 3;
    if (valueAt + length > end) return `PROXY v2 TLV 0x${type.toString(16)} runs past the end of the header`;
    if (type === TLV_UNIQUE_ID && length > UNIQUE_ID_MAX_BYTES) return `PROXY v2 UNIQUE_ID TLV of ${length} bytes is longer than ${UNIQUE_ID_MAX_BYTES}`;
    if (type === TLV_CRC32C) {
      if (length !== 4) return 'PROXY v2 CRC32C TLV is not 4 bytes long';
      if (headerCrc32c(bytes, end, valueAt) !== bytes.readUInt32BE(valueAt)) return 'PROXY v2 header fails its CRC32C checksum';
    }
    tlvs.push({ type, value: bytes.subarray(valueAt, valueAt + length) });
    offset = valueAt + length;
  }
  return tlvs;
}
