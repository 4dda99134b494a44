// Golden byte vectors for every header RouteX sends, checked three ways: our encoder writes
// exactly these bytes, an independent decoder (Python, from the spec) reads them as meant, and
// our decoder reads them the same way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProxyHeader } from '../../../proxy-worker/proxy-protocol/header-decoder.js';
import { V2_LOCAL_HEADER, encodeV1, encodeV2, type Endpoint } from '../../../proxy-worker/proxy-protocol/header-encoder.js';
import { UniqueIds } from '../../../proxy-worker/proxy-protocol/unique-ids.js';
import { missingTool } from '../../helpers/system-tools.js';
import { oracleDecode, type OracleResult } from '../../helpers/proxy-protocol-oracle.js';

const SIG = '0d0a0d0a000d0a515549540a';
const client4: Endpoint = { ip: '127.0.0.2', port: 51000 };
const listener4: Endpoint = { ip: '127.0.0.1', port: 25565 };
const client6: Endpoint = { ip: '2001:db8::1', port: 443 };
const listener6: Endpoint = { ip: '::1', port: 25565 };
const max6: Endpoint = { ip: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535 };
const ids = new UniqueIds('9f0c2a71');
const MAX_V6 = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';

interface Vector {
  name: string;
  bytes: Buffer;
  hex: string;
  expected: Omit<OracleResult, 'status'>;
}

const hex = (...parts: string[]): string => parts.join('');
const ascii = (text: string): string => Buffer.from(text, 'latin1').toString('hex');

const VECTORS: Vector[] = [
  {
    name: 'v2 PROXY TCP4 (28 bytes)',
    bytes: encodeV2('tcp', client4, listener4),
    hex: hex(SIG, '21', '11', '000c', '7f000002', '7f000001', 'c738', '63dd'),
    expected: { length: 28, version: 2, command: 'proxy', transport: 'tcp', source: ['127.0.0.2', 51000], destination: ['127.0.0.1', 25565], tlvs: [] },
  },
  {
    name: 'v2 PROXY TCP6 (52 bytes)',
    bytes: encodeV2('tcp', client6, listener6),
    hex: hex(SIG, '21', '21', '0024', '20010db8000000000000000000000001', '00000000000000000000000000000001', '01bb', '63dd'),
    expected: { length: 52, version: 2, command: 'proxy', transport: 'tcp', source: ['2001:db8::1', 443], destination: ['::1', 25565], tlvs: [] },
  },
  {
    name: 'v2 PROXY UDP4',
    bytes: encodeV2('udp', client4, listener4),
    hex: hex(SIG, '21', '12', '000c', '7f000002', '7f000001', 'c738', '63dd'),
    expected: { length: 28, version: 2, command: 'proxy', transport: 'udp', source: ['127.0.0.2', 51000], destination: ['127.0.0.1', 25565], tlvs: [] },
  },
  {
    name: 'v2 PROXY UDP6',
    bytes: encodeV2('udp', client6, listener6),
    hex: hex(SIG, '21', '22', '0024', '20010db8000000000000000000000001', '00000000000000000000000000000001', '01bb', '63dd'),
    expected: { length: 52, version: 2, command: 'proxy', transport: 'udp', source: ['2001:db8::1', 443], destination: ['::1', 25565], tlvs: [] },
  },
  {
    name: 'v2 PROXY TCP6 for an IPv4 client reaching an IPv6 listener (client IPv4-mapped)',
    bytes: encodeV2('tcp', client4, listener6),
    hex: hex(SIG, '21', '21', '0024', '00000000000000000000ffff7f000002', '00000000000000000000000000000001', 'c738', '63dd'),
    expected: { length: 52, version: 2, command: 'proxy', transport: 'tcp', source: ['127.0.0.2', 51000], destination: ['::1', 25565], tlvs: [] },
  },
  {
    name: 'v2 LOCAL (16 bytes)',
    bytes: V2_LOCAL_HEADER,
    hex: hex(SIG, '20', '00', '0000'),
    expected: { length: 16, version: 2, command: 'local', transport: null, source: null, destination: null, tlvs: [] },
  },
  {
    name: 'v2 PROXY TCP4 with a UNIQUE_ID TLV (length grown by 3 + 11)',
    bytes: encodeV2('tcp', client4, listener4, ids, 42),
    hex: hex(SIG, '21', '11', '001a', '7f000002', '7f000001', 'c738', '63dd', '05', '000b', ascii('9f0c2a71-42')),
    expected: { length: 42, version: 2, command: 'proxy', transport: 'tcp', source: ['127.0.0.2', 51000], destination: ['127.0.0.1', 25565], tlvs: [[5, ascii('9f0c2a71-42')]] },
  },
  {
    name: 'v2 PROXY UDP6 with a UNIQUE_ID TLV',
    bytes: encodeV2('udp', client6, listener6, ids, 7),
    hex: hex(SIG, '21', '22', '0031', '20010db8000000000000000000000001', '00000000000000000000000000000001', '01bb', '63dd', '05', '000a', ascii('9f0c2a71-7')),
    expected: { length: 65, version: 2, command: 'proxy', transport: 'udp', source: ['2001:db8::1', 443], destination: ['::1', 25565], tlvs: [[5, ascii('9f0c2a71-7')]] },
  },
  {
    name: 'v1 TCP4',
    bytes: encodeV1(client4, listener4),
    hex: ascii('PROXY TCP4 127.0.0.2 127.0.0.1 51000 25565\r\n'),
    expected: { length: 44, version: 1, command: 'proxy', transport: 'tcp', source: ['127.0.0.2', 51000], destination: ['127.0.0.1', 25565], tlvs: [] },
  },
  {
    name: 'v1 TCP6',
    bytes: encodeV1(client6, listener6),
    hex: ascii('PROXY TCP6 2001:db8::1 ::1 443 25565\r\n'),
    expected: { length: 38, version: 1, command: 'proxy', transport: 'tcp', source: ['2001:db8::1', 443], destination: ['::1', 25565], tlvs: [] },
  },
  {
    name: 'v1 TCP6 at its longest (104 bytes)',
    bytes: encodeV1(max6, max6),
    hex: ascii(`PROXY TCP6 ${MAX_V6} ${MAX_V6} 65535 65535\r\n`),
    expected: { length: 104, version: 1, command: 'proxy', transport: 'tcp', source: [MAX_V6, 65535], destination: [MAX_V6, 65535], tlvs: [] },
  },
  {
    name: 'v1 TCP6 for an IPv4 client reaching an IPv6 listener',
    bytes: encodeV1(client4, listener6),
    hex: ascii('PROXY TCP6 ::ffff:127.0.0.2 ::1 51000 25565\r\n'),
    expected: { length: 45, version: 1, command: 'proxy', transport: 'tcp', source: ['127.0.0.2', 51000], destination: ['::1', 25565], tlvs: [] },
  },
];

/** Our decoder's result in the oracle's shape. */
function ours(bytes: Buffer): OracleResult {
  const result = decodeProxyHeader(bytes, { v1: true, v2: true, maxHeaderBytes: 536 });
  if (result.status !== 'complete') return { status: result.status };
  const { header } = result;
  const pair = (a: { ip: string; port: number } | null): [string, number] | null => (a === null ? null : [a.ip, a.port]);
  return {
    status: 'complete',
    length: result.length,
    version: header.version,
    command: header.command,
    transport: header.transport,
    source: pair(header.source),
    destination: pair(header.destination),
    tlvs: header.tlvs.map((tlv) => [tlv.type, tlv.value.toString('hex')]),
  };
}

describe('PROXY protocol golden vectors', () => {
  for (const vector of VECTORS) {
    it(`encodes ${vector.name} byte for byte`, () => {
      assert.equal(Buffer.from(vector.bytes).toString('hex'), vector.hex);
      assert.equal(vector.bytes.length, vector.expected.length);
    });
  }

  it('decodes every vector as meant, and the same way as the independent Python decoder', { skip: missingTool('python3', 'python3') }, () => {
    const inputs = VECTORS.map((vector) => Buffer.from(vector.hex, 'hex'));
    const oracle = oracleDecode(inputs);
    VECTORS.forEach((vector, i) => {
      assert.deepEqual(oracle[i], { status: 'complete', ...vector.expected }, `oracle: ${vector.name}`);
      assert.deepEqual(ours(inputs[i]!), { status: 'complete', ...vector.expected }, `ours: ${vector.name}`);
    });
  });

  it('reads payload after the header as payload: the header length stops at the header', () => {
    const bytes = Buffer.concat([encodeV2('tcp', client4, listener4), Buffer.from('hello')]);
    const result = decodeProxyHeader(bytes, { v1: true, v2: true, maxHeaderBytes: 536 });
    assert.equal(result.status === 'complete' && bytes.subarray(result.length).toString(), 'hello');
  });
});
