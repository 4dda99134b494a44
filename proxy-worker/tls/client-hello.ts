// The server_name of a TLS ClientHello, read from a connection's first bytes however the client's
// segments split them. Nothing is decrypted or changed: the bytes go to the backend as they came.
//
// Layout: TLS records (type 22 = handshake, version, 2-byte length) carry the handshake message
// (type 1 = ClientHello, 3-byte length), which may span several records. The ClientHello body:
// version(2) random(32) session_id(1+n) cipher_suites(2+n) compression(1+n) extensions(2+n);
// extension 0 (server_name) holds a list of (type 0 = host_name, 2-byte length, name).

export type ClientHelloResult =
  | { kind: 'need-more' }
  /** The first byte is not a TLS handshake record: some other protocol, or SSLv2. */
  | { kind: 'not-tls' }
  | { kind: 'no-sni' }
  | { kind: 'sni'; host: string }
  | { kind: 'invalid'; reason: string };

const RECORD_HEADER = 5;
const HANDSHAKE_RECORD = 22;
const CLIENT_HELLO = 1;
const SERVER_NAME_EXTENSION = 0;
const HOST_NAME = 0;
/** A record holds at most 2^14 plaintext bytes. */
const MAX_RECORD = 16_384;
/** Larger ClientHellos than this are refused: real ones are 0.5–3 KiB, even with post-quantum key shares. */
export const MAX_CLIENT_HELLO = 16_384;
/** The most bytes this parser ever needs to see: the records holding a maximal ClientHello. */
export const MAX_CLIENT_HELLO_BYTES = MAX_CLIENT_HELLO + 4 + 4 * RECORD_HEADER;

const NEED_MORE: ClientHelloResult = { kind: 'need-more' };
const NOT_TLS: ClientHelloResult = { kind: 'not-tls' };
const NO_SNI: ClientHelloResult = { kind: 'no-sni' };

function invalid(reason: string): ClientHelloResult {
  return { kind: 'invalid', reason };
}

/**
 * Parses the bytes received so far; call again with more bytes on `need-more`. Never asks for
 * more than MAX_CLIENT_HELLO_BYTES in all: past that a still-incomplete ClientHello is invalid.
 */
export function parseClientHello(bytes: Buffer): ClientHelloResult {
  if (bytes.length === 0) return NEED_MORE;
  if (bytes[0] !== HANDSHAKE_RECORD) return NOT_TLS;
  const handshake = handshakeBytes(bytes);
  if (!Buffer.isBuffer(handshake)) {
    const result = handshake as ClientHelloResult;
    return result.kind === 'need-more' && bytes.length >= MAX_CLIENT_HELLO_BYTES ? invalid(`no complete ClientHello in ${bytes.length} bytes`) : result;
  }
  if (handshake[0] !== CLIENT_HELLO) return invalid('the first handshake message is not a ClientHello');
  return serverName(handshake.subarray(4));
}

/**
 * The first handshake message, reassembled from as many records as it spans, or the reason it
 * is not there yet / never will be.
 */
function handshakeBytes(bytes: Buffer): Buffer | ClientHelloResult {
  const parts: Buffer[] = [];
  let have = 0;
  let need = -1;
  for (let offset = 0; ; ) {
    if (offset + RECORD_HEADER > bytes.length) return NEED_MORE;
    if (bytes[offset] !== HANDSHAKE_RECORD) return invalid('the ClientHello is interrupted by a record of another type');
    if (bytes[offset + 1] !== 3) return invalid('the record version is not TLS');
    const length = bytes.readUInt16BE(offset + 3);
    if (length === 0 || length > MAX_RECORD) return invalid(`a record length of ${length} is outside 1-${MAX_RECORD}`);
    const start = offset + RECORD_HEADER;
    const end = Math.min(start + length, bytes.length);
    parts.push(bytes.subarray(start, end));
    have += end - start;
    if (need < 0 && have >= 4) {
      const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      need = 4 + joined.readUIntBE(1, 3);
      if (need > MAX_CLIENT_HELLO + 4) return invalid(`a ClientHello of ${need - 4} bytes is larger than ${MAX_CLIENT_HELLO}`);
    }
    if (need >= 0 && have >= need) return (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).subarray(0, need);
    if (end < start + length) return NEED_MORE;
    offset = start + length;
  }
}

/** Reads through the ClientHello body to the server_name extension. */
function serverName(body: Buffer): ClientHelloResult {
  const reader = new Reader(body, 0, body.length);
  if (!reader.skip(2 + 32) || !reader.skipVector(1) || !reader.skipVector(2) || !reader.skipVector(1)) {
    return invalid('the ClientHello is truncated before its extensions');
  }
  if (reader.remaining === 0) return NO_SNI;
  const extensionsLength = reader.u16();
  if (extensionsLength === undefined || extensionsLength > reader.remaining) return invalid('the extensions overrun the ClientHello');
  const extensions = new Reader(body, reader.offset, reader.offset + extensionsLength);
  while (extensions.remaining > 0) {
    const type = extensions.u16();
    const length = extensions.u16();
    if (type === undefined || length === undefined || length > extensions.remaining) return invalid('an extension overruns the ClientHello');
    if (type === SERVER_NAME_EXTENSION) return hostName(new Reader(body, extensions.offset, extensions.offset + length));
    extensions.skip(length);
  }
  return NO_SNI;
}

function hostName(reader: Reader): ClientHelloResult {
  const listLength = reader.u16();
  if (listLength === undefined || listLength !== reader.remaining) return invalid('the server_name list length is wrong');
  while (reader.remaining > 0) {
    const type = reader.u8();
    const length = reader.u16();
    if (type === undefined || length === undefined || length > reader.remaining) return invalid('a server_name entry overruns its list');
    if (type === HOST_NAME) return hostNameText(reader.take(length));
    reader.skip(length);
  }
  return NO_SNI;
}

/** RFC 6066: an ASCII DNS name, no trailing dot, at most 255 bytes. */
function hostNameText(name: Buffer): ClientHelloResult {
  if (name.length === 0 || name.length > 255) return invalid(`a server_name of ${name.length} bytes`);
  for (const byte of name) if (byte <= 0x20 || byte >= 0x7f) return invalid('the server_name is not an ASCII host name');
  return { kind: 'sni', host: name.toString('latin1').toLowerCase() };
}

/** Big-endian reads within [offset, end) of a buffer; each read says undefined rather than overrun. */
class Reader {
  constructor(
    private readonly bytes: Buffer,
    public offset: number,
    private readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  skip(n: number): boolean {
    if (n > this.remaining) return false;
    this.offset += n;
    return true;
  }

  take(n: number): Buffer {
    const part = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return part;
  }

  skipVector(lengthBytes: 1 | 2): boolean {
    const length = lengthBytes === 1 ? this.u8() : this.u16();
    return length !== undefined && this.skip(length);
  }

  u8(): number | undefined {
    return this.remaining >= 1 ? this.bytes[this.offset++] : undefined;
  }

  u16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const value = this.bytes.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
}
