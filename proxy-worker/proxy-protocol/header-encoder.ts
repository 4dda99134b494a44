// Building the PROXY headers we send to backends. Each call allocates the header buffer and
// nothing else: addresses are parsed into reused scratch words, text and digits are written
// straight into the buffer. Addresses are IP literals (from sockets or the validated config).
import { formatIpv4, isV4Mapped, parseIpv4, parseIpv6 } from '../../shared/acl/ip-address.js';
import { decimalDigits, writeAscii, writeDecimal } from './ascii-decimal.js';
import type { UniqueIds } from './unique-ids.js';
import { ADDRESS_BYTES_INET, ADDRESS_BYTES_INET6, TLV_UNIQUE_ID, V1_PREFIX, V2_COMMAND_LOCAL, V2_COMMAND_PROXY, V2_FIXED_BYTES, V2_SIGNATURE, V2_VERSION } from './wire.js';

export type HeaderTransport = 'tcp' | 'udp';

/**
 * One end of what a header describes: the client (source) or the address it reached
 * (destination). Structural, so a connection's client address and a listener spec serve as they are.
 */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

const sourceWords = new Uint32Array(4);
const destinationWords = new Uint32Array(4);

/** Parses `text` into `words` as IPv6 (IPv4 as `::ffff:a.b.c.d`); 4 when it is IPv4 (or mapped). */
function load(text: string, words: Uint32Array): 4 | 6 {
  const v4 = parseIpv4(text);
  if (v4 >= 0) {
    words[0] = 0;
    words[1] = 0;
    words[2] = 0xffff;
    words[3] = v4;
    return 4;
  }
  if (!parseIpv6(text, words)) throw new TypeError(`not an IP address: "${text}"`);
  return isV4Mapped(words) ? 4 : 6;
}

/** Both addresses IPv4 → 4; otherwise 6, an IPv4 one then carried as IPv4-mapped IPv6 (as Gate does). */
function loadEndpoints(source: Endpoint, destination: Endpoint): 4 | 6 {
  const sourceFamily = load(source.ip, sourceWords);
  const destinationFamily = load(destination.ip, destinationWords);
  return sourceFamily === 4 && destinationFamily === 4 ? 4 : 6;
}

/**
 * A v2 PROXY header for a TCP connection or a UDP session; with `uniqueIds`, a UNIQUE_ID TLV
 * for `connectionId`. Positional arguments: building the header allocates nothing but itself.
 */
export function encodeV2(transport: HeaderTransport, source: Endpoint, destination: Endpoint, uniqueIds: UniqueIds | null = null, connectionId = 0): Buffer {
  const family = loadEndpoints(source, destination);
  const addressBytes = family === 4 ? ADDRESS_BYTES_INET : ADDRESS_BYTES_INET6;
  const idBytes = uniqueIds === null ? 0 : uniqueIds.byteLength(connectionId);
  const length = addressBytes + (uniqueIds === null ? 0 : 3 + idBytes);
  const header = Buffer.allocUnsafe(V2_FIXED_BYTES + length);
  header.set(V2_SIGNATURE, 0);
  header[12] = V2_VERSION | V2_COMMAND_PROXY;
  header[13] = (family === 4 ? 0x10 : 0x20) | (transport === 'tcp' ? 0x1 : 0x2);
  header.writeUInt16BE(length, 14);
  let offset = V2_FIXED_BYTES;
  if (family === 4) {
    header.writeUInt32BE(sourceWords[3]!, offset);
    header.writeUInt32BE(destinationWords[3]!, offset + 4);
    offset += 8;
  } else {
    for (let w = 0; w < 4; w++) header.writeUInt32BE(sourceWords[w]!, offset + 4 * w);
    for (let w = 0; w < 4; w++) header.writeUInt32BE(destinationWords[w]!, offset + 16 + 4 * w);
    offset += 32;
  }
  header.writeUInt16BE(source.port, offset);
  header.writeUInt16BE(destination.port, offset + 2);
  offset += 4;
  if (uniqueIds !== null) {
    header[offset] = TLV_UNIQUE_ID;
    header.writeUInt16BE(idBytes, offset + 1);
    uniqueIds.write(header, offset + 3, connectionId);
  }
  return header;
}

/** The 16-byte v2 LOCAL header (no addresses): "this connection is the sender's own", e.g. a health check. */
export const V2_LOCAL_HEADER: Readonly<Buffer> = (() => {
  const header = Buffer.alloc(V2_FIXED_BYTES);
  V2_SIGNATURE.copy(header, 0);
  header[12] = V2_VERSION | V2_COMMAND_LOCAL;
  return header;
})();

const MAPPED_PREFIX = '::ffff:';
const TCP4 = 'TCP4 ';
const TCP6 = 'TCP6 ';

/**
 * `ip` as a v1 line of `family` writes it: an IPv4 address in a TCP6 line IPv4-mapped, an
 * IPv4-mapped IPv6 address in a TCP4 line as plain IPv4 (a rare spelling: only then a new string).
 */
function v1Address(ip: string, words: Uint32Array, family: 4 | 6): string {
  return family === 4 && parseIpv4(ip) < 0 ? formatIpv4(words[3]!) : ip;
}

function v1AddressBytes(ip: string, family: 4 | 6): number {
  return family === 6 && parseIpv4(ip) >= 0 ? MAPPED_PREFIX.length + ip.length : ip.length;
}

function writeV1Address(line: Buffer, offset: number, ip: string, family: 4 | 6): number {
  if (family === 6 && parseIpv4(ip) >= 0) offset = writeAscii(line, offset, MAPPED_PREFIX);
  return writeAscii(line, offset, ip);
}

/** A v1 line, `PROXY TCP4 <src> <dst> <sport> <dport>\r\n` (v1 has no UDP and no TLVs). */
export function encodeV1(source: Endpoint, destination: Endpoint): Buffer {
  const family = loadEndpoints(source, destination);
  const sourcePort = source.port;
  const destinationPort = destination.port;
  const sourceIp = v1Address(source.ip, sourceWords, family);
  const destinationIp = v1Address(destination.ip, destinationWords, family);
  const length =
    V1_PREFIX.length + TCP4.length + v1AddressBytes(sourceIp, family) + 1 + v1AddressBytes(destinationIp, family) + 1 + decimalDigits(sourcePort) + 1 + decimalDigits(destinationPort) + 2;
  const line = Buffer.allocUnsafe(length);
  line.set(V1_PREFIX, 0);
  let offset = writeAscii(line, V1_PREFIX.length, family === 4 ? TCP4 : TCP6);
  offset = writeV1Address(line, offset, sourceIp, family);
  line[offset++] = 0x20;
  offset = writeV1Address(line, offset, destinationIp, family);
  line[offset++] = 0x20;
  offset = writeDecimal(line, offset, sourcePort);
  line[offset++] = 0x20;
  offset = writeDecimal(line, offset, destinationPort);
  line[offset++] = 0x0d;
  line[offset] = 0x0a;
  return line;
}
