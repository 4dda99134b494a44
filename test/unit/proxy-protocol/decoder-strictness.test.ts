// The receive decoder refuses every malformed header with a reason, as early as the bytes allow,
// and never mistakes a header cut short for a bad one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c, headerCrc32c } from '../../../proxy-worker/proxy-protocol/crc32c.js';
import { decodeProxyHeader, startsLikeHeader, type DecodeOptions } from '../../../proxy-worker/proxy-protocol/header-decoder.js';
import { V2_LOCAL_HEADER, encodeV1, encodeV2 } from '../../../proxy-worker/proxy-protocol/header-encoder.js';
import type { DecodeResult } from '../../../proxy-worker/proxy-protocol/proxy-header.js';
import { tlvValue } from '../../../proxy-worker/proxy-protocol/proxy-header.js';
import { TLV_CRC32C, TLV_UNIQUE_ID } from '../../../proxy-worker/proxy-protocol/wire.js';

const BOTH: DecodeOptions = { v1: true, v2: true, maxHeaderBytes: 536 };
const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
const client = { ip: '198.51.100.7', port: 40000 };
const listener = { ip: '203.0.113.1', port: 25565 };

const decode = (bytes: Buffer | string, options = BOTH): DecodeResult => decodeProxyHeader(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, options);
const reason = (result: DecodeResult): string => (result.status === 'invalid' ? result.reason : `not invalid: ${result.status}`);

/** A v2 PROXY TCP4 header followed by `tlvs` (type, value) with the length field to match. */
function v2WithTlvs(tlvs: [number, Buffer][]): Buffer {
  const base = encodeV2('tcp', client, listener);
  const parts = tlvs.map(([type, value]) => Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 255]), value]));
  const header = Buffer.concat([base, ...parts]);
  header.writeUInt16BE(header.length - 16, 14);
  return header;
}

describe('PROXY v1 decoding', () => {
  it('accepts PROXY UNKNOWN, with or without addresses after it, as "no address"', () => {
    for (const line of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n']) {
      const result = decode(line);
      assert.equal(result.status, 'complete');
      assert.equal(result.status === 'complete' && result.header.source, null);
      assert.equal(result.status === 'complete' && result.length, line.length);
    }
  });

  it('refuses a line without CRLF in its first 107 bytes', () => {
    assert.equal(reason(decode(`PROXY TCP4 ${'1'.repeat(120)}`)), 'PROXY v1 line has no CRLF within 107 bytes');
    assert.equal(decode(`PROXY TCP4 ${'1'.repeat(90)}`).status, 'incomplete');
    const longest = `PROXY UNKNOWN ${'x'.repeat(107 - 16)}\r\n`;
    assert.equal(longest.length, 107);
    assert.equal(decode(longest).status, 'complete');
    assert.equal(decode(`PROXY UNKNOWN ${'x'.repeat(107 - 15)}\r\n`).status, 'invalid');
  });

  it('refuses a bare LF, a CR without LF and bytes that are not printable ASCII', () => {
    assert.equal(reason(decode('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n')), 'PROXY v1 line ends with a bare LF instead of CRLF');
    assert.equal(reason(decode('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX')), 'PROXY v1 line has a CR not followed by LF');
    assert.equal(reason(decode('PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n')), 'PROXY v1 line holds a byte that is not printable ASCII');
  });

  it('refuses double spaces, wrong families, leading zeros and ports out of range', () => {
    const bad: [string, string][] = [
      ['PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n', 'PROXY v1 TCP4 line needs 4 fields after the protocol, one space apart'],
      ['PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', 'PROXY v1 TCP4 line needs 4 fields after the protocol, one space apart'],
      ['PROXY TCP4 ::1 5.6.7.8 1 2\r\n', 'PROXY v1 TCP4 line has an address that is not IPv4'],
      ['PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'PROXY v1 TCP6 line has an address that is not IPv6'],
      ['PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', 'PROXY v1 TCP6 line has an address that is not IPv6'],
      ['PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n', 'PROXY v1 TCP4 line has an address that is not IPv4'],
      ['PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n', 'PROXY v1 line has a port that is not 0-65535 (without leading zeros)'],
      ['PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n', 'PROXY v1 line has a port that is not 0-65535 (without leading zeros)'],
      ['PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n', 'PROXY v1 protocol "UDP4" is not TCP4, TCP6 or UNKNOWN'],
      ['PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n', 'PROXY v1 protocol "" is not TCP4, TCP6 or UNKNOWN'],
      ['PROXZ TCP4', 'not a PROXY protocol header'],
    ];
    for (const [line, why] of bad) assert.equal(reason(decode(line)), why, line);
  });

  it('gives IPv6 addresses in canonical form and IPv4-mapped ones as IPv4', () => {
    const result = decode('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::ffff:10.0.0.1 1 2\r\n');
    assert.ok(result.status === 'complete');
    assert.deepEqual([result.header.source, result.header.destination], [
      { ip: '2001:db8::1', port: 1 },
      { ip: '10.0.0.1', port: 2 },
    ]);
  });
});

describe('PROXY v2 decoding', () => {
  const header = encodeV2('tcp', client, listener);
  const withByte = (at: number, value: number): Buffer => {
    const copy = Buffer.from(header);
    copy[at] = value;
    return copy;
  };

  it('refuses a version other than 2 and a command other than LOCAL or PROXY as soon as byte 13 arrives', () => {
    assert.equal(reason(decode(withByte(12, 0x11).subarray(0, 13))), 'PROXY v2 header has version 1, not 2');
    assert.equal(reason(decode(withByte(12, 0x31).subarray(0, 13))), 'PROXY v2 header has version 3, not 2');
    assert.equal(reason(decode(withByte(12, 0x22).subarray(0, 13))), 'PROXY v2 header has command 2, neither LOCAL (0) nor PROXY (1)');
  });

  it('refuses a family/transport byte outside the spec list', () => {
    for (const family of [0x01, 0x10, 0x13, 0x23, 0x33, 0x41, 0xff]) {
      assert.match(reason(decode(withByte(13, family).subarray(0, 14))), /unknown family\/transport byte/);
    }
  });

  it('refuses a length past max_header_bytes before waiting for the bytes', () => {
    const long = Buffer.from(header.subarray(0, 16));
    long.writeUInt16BE(600, 14);
    assert.equal(reason(decode(long)), 'PROXY v2 header of 616 bytes is longer than the 536 allowed');
    assert.equal(decode(long, { ...BOTH, maxHeaderBytes: 1000 }).status, 'incomplete');
  });

  it('refuses an address block shorter than its family, and TLVs that do not fit', () => {
    const short = Buffer.from(header);
    short.writeUInt16BE(8, 14);
    assert.equal(reason(decode(short)), 'PROXY v2 header is too short for its addresses (8 of 12 bytes)');
    const cut = v2WithTlvs([[0xe0, Buffer.from('abcd')]]);
    cut.writeUInt16BE(cut.readUInt16BE(14) - 2, 14);
    assert.equal(reason(decode(cut)), 'PROXY v2 TLV 0xe0 runs past the end of the header');
    const stub = Buffer.concat([header, Buffer.from([0x04, 0x00])]);
    stub.writeUInt16BE(14, 14);
    assert.equal(reason(decode(stub)), 'PROXY v2 header ends inside a TLV');
  });

  it('keeps a UNIQUE_ID of up to 128 bytes and refuses a longer one', () => {
    const ok = decode(v2WithTlvs([[TLV_UNIQUE_ID, Buffer.alloc(128, 0x41)]]));
    assert.equal(ok.status === 'complete' && tlvValue(ok.header, TLV_UNIQUE_ID)?.length, 128);
    assert.equal(reason(decode(v2WithTlvs([[TLV_UNIQUE_ID, Buffer.alloc(129, 0x41)]]))), 'PROXY v2 UNIQUE_ID TLV of 129 bytes is longer than 128');
  });

  it('checks a CRC32C TLV over the whole header', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283); // the standard check value
    const signed = v2WithTlvs([[TLV_UNIQUE_ID, Buffer.from('abc')], [TLV_CRC32C, Buffer.alloc(4)]]);
    const field = signed.length - 4;
    signed.writeUInt32BE(headerCrc32c(signed, signed.length, field), field);
    assert.equal(decode(signed).status, 'complete');
    signed[17] ^= 1;
    assert.equal(reason(decode(signed)), 'PROXY v2 header fails its CRC32C checksum');
  });

  it('takes LOCAL as "no address", skipping whatever block its length covers', () => {
    const local = Buffer.from(header);
    local[12] = 0x20;
    const result = decode(Buffer.concat([local, Buffer.from('payload')]));
    assert.ok(result.status === 'complete');
    assert.equal(result.header.command, 'local');
    assert.equal(result.header.source, null);
    assert.equal(result.length, header.length);
    assert.equal(decode(V2_LOCAL_HEADER as Buffer).status, 'complete');
  });

  it('takes UNSPEC and UNIX families as "no IP address"', () => {
    for (const family of [0x00, 0x31, 0x32]) {
      const block = family === 0 ? Buffer.alloc(0) : Buffer.alloc(216);
      const bytes = Buffer.concat([SIG, Buffer.from([0x21, family, block.length >> 8, block.length & 255]), block]);
      const result = decode(bytes);
      assert.ok(result.status === 'complete', `family ${family}`);
      assert.equal(result.header.source, null);
    }
  });
});

describe('PROXY header detection', () => {
  it('refuses a version that is not enabled', () => {
    assert.equal(reason(decode(encodeV1(client, listener), { ...BOTH, v1: false })), 'PROXY v1 header, and only v2 is accepted');
    assert.equal(reason(decode(encodeV2('tcp', client, listener), { ...BOTH, v2: false })), 'PROXY v2 header, and only v1 is accepted');
  });

  it('refuses anything else at its first byte', () => {
    assert.equal(reason(decode(Buffer.from([0x10]))), 'not a PROXY protocol header');
    assert.equal(reason(decode('GET / HTTP/1.1\r\n')), 'not a PROXY protocol header');
  });

  it('says incomplete for every proper prefix of a valid header, whichever version', () => {
    for (const full of [encodeV1(client, listener), encodeV2('tcp', client, listener), v2WithTlvs([[TLV_UNIQUE_ID, Buffer.from('x')]])]) {
      for (let n = 0; n < full.length; n++) assert.equal(decode(full.subarray(0, n)).status, 'incomplete', `${n} of ${full.length}`);
      assert.equal(decode(full).status, 'complete');
    }
  });

  it('tells a signature from a plain payload as soon as one byte differs', () => {
    assert.equal(startsLikeHeader(Buffer.from('PRO')), 'maybe');
    assert.equal(startsLikeHeader(Buffer.from('PROXY ')), 'yes');
    assert.equal(startsLikeHeader(SIG.subarray(0, 5)), 'maybe');
    assert.equal(startsLikeHeader(SIG), 'yes');
    assert.equal(startsLikeHeader(Buffer.from([0x10, 0x00])), 'no');
    assert.equal(startsLikeHeader(Buffer.from('PRX')), 'no');
  });
});
