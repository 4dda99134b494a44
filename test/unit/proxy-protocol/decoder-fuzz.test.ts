// Malformed headers, thousands of them (seeded, so a failure reproduces): the decoder never
// throws, agrees with the independent Python decoder, and decides the same however the bytes
// arrive (a result seen on a prefix never changes when more bytes come).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerCrc32c } from '../../../proxy-worker/proxy-protocol/crc32c.js';
import { decodeProxyHeader } from '../../../proxy-worker/proxy-protocol/header-decoder.js';
import { encodeV1, encodeV2 } from '../../../proxy-worker/proxy-protocol/header-encoder.js';
import type { DecodeResult } from '../../../proxy-worker/proxy-protocol/proxy-header.js';
import { UniqueIds } from '../../../proxy-worker/proxy-protocol/unique-ids.js';
import { oracleDecode } from '../../helpers/proxy-protocol-oracle.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { missingTool } from '../../helpers/system-tools.js';

const OPTIONS = { v1: true, v2: true, maxHeaderBytes: 536 };
const SAMPLES = 4000;

/** `header` with a CRC32C TLV appended and filled in. */
function withCrc32c(header: Buffer): Buffer {
  const signed = Buffer.concat([header, Buffer.from([0x03, 0x00, 0x04, 0, 0, 0, 0])]);
  signed.writeUInt16BE(signed.length - 16, 14);
  signed.writeUInt32BE(headerCrc32c(signed, signed.length, signed.length - 4), signed.length - 4);
  return signed;
}

function corpus(): Buffer[] {
  const random = seededRandom(16);
  const int = (n: number): number => Math.floor(random() * n);
  const ids = new UniqueIds('fuzz');
  const seeds = [
    encodeV1({ ip: '10.1.2.3', port: 1 }, { ip: '10.9.8.7', port: 65535 }),
    encodeV1({ ip: '2001:db8::7', port: 80 }, { ip: '::1', port: 0 }),
    Buffer.from('PROXY UNKNOWN\r\n'),
    encodeV2('tcp', { ip: '10.1.2.3', port: 1 }, { ip: '10.9.8.7', port: 2 }, ids, 99),
    encodeV2('udp', { ip: '2001:db8::7', port: 3 }, { ip: '::1', port: 4 }),
    withCrc32c(encodeV2('tcp', { ip: '10.1.2.3', port: 5 }, { ip: '10.9.8.7', port: 6 })),
  ];
  const inputs: Buffer[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const seed = Buffer.from(seeds[int(seeds.length)]!);
    const kind = int(6);
    let bytes: Buffer;
    if (kind === 0) {
      bytes = Buffer.from(Array.from({ length: int(64) }, () => int(256)));
    } else if (kind === 1) {
      bytes = seed.subarray(0, int(seed.length + 1));
    } else if (kind === 2) {
      bytes = Buffer.concat([seed, Buffer.from(Array.from({ length: int(40) }, () => int(256)))]);
    } else {
      bytes = seed;
      for (let flips = 1 + int(3); flips > 0; flips--) {
        const at = int(bytes.length);
        // Printable characters for v1 lines (spaces, digits, colons), any byte for v2.
        bytes[at] = bytes[0] === 0x50 && random() < 0.7 ? ' 0123456789:.abcdefxTCP46\r\n'.charCodeAt(int(27)) : int(256);
      }
      if (kind === 5 && bytes[0] === 0x0d && bytes.length >= 16) bytes.writeUInt16BE(int(80), 14);
    }
    inputs.push(bytes);
  }
  return inputs;
}

function summary(result: DecodeResult): unknown {
  if (result.status !== 'complete') return result.status;
  const { header } = result;
  return {
    length: result.length,
    command: header.command,
    transport: header.transport,
    source: header.source && [header.source.ip, header.source.port],
    destination: header.destination && [header.destination.ip, header.destination.port],
    tlvs: header.tlvs.map((tlv) => [tlv.type, tlv.value.toString('hex')]),
  };
}

describe('PROXY decoder fuzzing', () => {
  const inputs = corpus();

  it(`never throws, and never changes its mind as bytes arrive (${SAMPLES} seeded inputs)`, () => {
    for (const bytes of inputs) {
      const full = decodeProxyHeader(bytes, OPTIONS);
      let settled: DecodeResult | null = null;
      for (let n = 0; n <= bytes.length; n++) {
        const partial = decodeProxyHeader(bytes.subarray(0, n), OPTIONS);
        if (settled !== null) {
          assert.deepEqual(summary(partial), summary(settled), `input ${bytes.toString('hex')} at ${n} bytes`);
        } else if (partial.status !== 'incomplete') {
          settled = partial;
        }
      }
      assert.deepEqual(summary(settled ?? full), summary(full));
    }
  });

  it('agrees with the independent Python decoder on every input', { skip: missingTool('python3', 'python3') }, () => {
    const oracle = oracleDecode(inputs);
    let complete = 0;
    inputs.forEach((bytes, i) => {
      const ours = decodeProxyHeader(bytes, OPTIONS);
      const theirs = oracle[i]!;
      const context = `input ${bytes.toString('hex')}`;
      if (theirs.status === 'incomplete') {
        // We may refuse earlier than the oracle (it waits for 16 bytes before reading v2 fields).
        assert.notEqual(ours.status, 'complete', context);
        return;
      }
      assert.equal(ours.status, theirs.status, context);
      if (ours.status !== 'complete') return;
      complete++;
      const { status: _status, version: _version, ...expected } = theirs;
      assert.deepEqual(summary(ours), expected, context);
    });
    assert.ok(complete > SAMPLES / 20, `only ${complete} inputs decoded: the corpus is too broken to test much`);
  });
});
