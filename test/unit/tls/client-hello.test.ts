import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello, type ClientHelloResult } from '../../../proxy-worker/tls/client-hello.js';
import { captureClientHello, splitIntoRecords } from '../../helpers/client-hello-capture.js';
import { seededRandom } from '../../helpers/seeded-random.js';

/** Feeds `bytes` in two segments split at `at`, the way a parser sees a connection's first reads. */
function parseSplit(bytes: Buffer, at: number): ClientHelloResult {
  const first = parseClientHello(bytes.subarray(0, at));
  if (first.kind !== 'need-more') return first;
  return parseClientHello(bytes);
}

describe('TLS ClientHello: server_name from real clients', () => {
  let withSni: Buffer;
  let withoutSni: Buffer;
  before(async () => {
    withSni = await captureClientHello('Play.Example.TEST');
    withoutSni = await captureClientHello(undefined);
  });

  it('reads the server_name of Node\'s TLS client, lowercased', () => {
    assert.deepEqual(parseClientHello(withSni), { kind: 'sni', host: 'play.example.test' });
  });

  it('says no-sni for a ClientHello without server_name', () => {
    assert.deepEqual(parseClientHello(withoutSni), { kind: 'no-sni' });
  });

  it('asks for more at every truncation, and decides the same at every split point', () => {
    for (let at = 0; at < withSni.length; at++) {
      assert.deepEqual(parseClientHello(withSni.subarray(0, at)), { kind: 'need-more' }, `truncated at ${at}`);
      assert.deepEqual(parseSplit(withSni, at), { kind: 'sni', host: 'play.example.test' }, `split at ${at}`);
    }
  });

  it('reassembles a ClientHello spread over many small records', () => {
    for (const size of [1, 7, 64, 300]) {
      const fragmented = splitIntoRecords(withSni, size);
      assert.deepEqual(parseClientHello(fragmented), { kind: 'sni', host: 'play.example.test' }, `records of ${size}`);
      assert.deepEqual(parseClientHello(fragmented.subarray(0, fragmented.length - 1)), { kind: 'need-more' });
    }
  });

  it('passes what is not TLS on as not-tls (SSLv2, HTTP, a Minecraft handshake)', () => {
    for (const text of ['GET / HTTP/1.1\r\n', '\x80\x2e\x01\x00\x02', '\x10\x00\xfb\x05']) {
      assert.deepEqual(parseClientHello(Buffer.from(text, 'latin1')), { kind: 'not-tls' });
    }
  });

  it('refuses broken records, a non-ClientHello and oversized messages', () => {
    const kindOf = (bytes: Buffer): string => parseClientHello(bytes).kind;
    assert.equal(kindOf(Buffer.from([22, 2, 0, 0, 5])), 'invalid'); // not TLS 1.x
    assert.equal(kindOf(Buffer.from([22, 3, 1, 0, 0])), 'invalid'); // empty record
    assert.equal(kindOf(Buffer.from([22, 3, 1, 0x40, 0x01])), 'invalid'); // record over 16 KiB
    assert.equal(kindOf(Buffer.from([22, 3, 1, 0, 4, 2, 0, 0, 0])), 'invalid'); // ServerHello
    assert.equal(kindOf(Buffer.from([22, 3, 1, 0, 4, 1, 0x10, 0, 0])), 'invalid'); // 1 MiB ClientHello
    const interrupted = Buffer.concat([splitIntoRecords(withSni, 100).subarray(0, 105), Buffer.from([23, 3, 3, 0, 1, 0])]);
    assert.equal(kindOf(interrupted), 'invalid');
  });

  it('never throws and never needs more than its bound, on random and mutated input', () => {
    const random = seededRandom(17);
    const byte = (): number => Math.floor(random() * 256);
    for (let round = 0; round < 20_000; round++) {
      const base = round % 2 === 0 ? withSni : withoutSni;
      const input = Buffer.from(base);
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) input[Math.floor(random() * input.length)] = byte();
      const cut = input.subarray(0, Math.floor(random() * (input.length + 1)));
      assert.doesNotThrow(() => parseClientHello(cut));
      assert.doesNotThrow(() => parseClientHello(Buffer.from(Array.from({ length: 1 + (round % 64) }, byte))));
    }
  });

  it('decides by MAX_CLIENT_HELLO_BYTES at the latest, however the records are cut', () => {
    const handshake = Buffer.alloc(16_000, 0x41);
    Buffer.from([1, 0, 0x3e, 0x7c]).copy(handshake); // a ClientHello of 15,996 bytes
    const oneByteRecords = splitIntoRecords(Buffer.concat([Buffer.from([22, 3, 1, 0, 0]), handshake]), 1);
    assert.equal(parseClientHello(oneByteRecords.subarray(0, MAX_CLIENT_HELLO_BYTES - 1)).kind, 'need-more');
    assert.equal(parseClientHello(oneByteRecords.subarray(0, MAX_CLIENT_HELLO_BYTES)).kind, 'invalid');
  });
});
