// proxy_protocol.receive's decisions, for each kind of peer and each policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProxyProtocolReceiveConfig } from '../../../shared/config/resolved-types.js';
import { encodeV1, encodeV2, V2_LOCAL_HEADER } from '../../../proxy-worker/proxy-protocol/header-encoder.js';
import { HeaderReceiver, type ReceiveDecision } from '../../../proxy-worker/proxy-protocol/header-receiver.js';

const CONFIG: ProxyProtocolReceiveConfig = {
  enabled: true,
  acceptV1: true,
  acceptV2: true,
  onTcp: true,
  onUdp: true,
  trustedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
  fromUntrusted: 'reject',
  requireFromTrusted: true,
  headerTimeoutMs: 5000,
  maxHeaderBytes: 536,
};
const FILTER = '10.1.2.3';
const STRANGER = '198.51.100.9';
const client = { ip: '203.0.113.7', port: 40000 };
const listener = { ip: '192.0.2.1', port: 25565 };
const v2 = encodeV2('tcp', client, listener);

const receiver = (changes: Partial<ProxyProtocolReceiveConfig> = {}, transport: 'tcp' | 'udp' = 'tcp'): HeaderReceiver => new HeaderReceiver({ ...CONFIG, ...changes }, transport);
const kind = (d: ReceiveDecision): string => (d.kind === 'refuse' ? `refuse ${d.refusal}` : d.kind);

describe('proxy_protocol.receive decisions', () => {
  it('trusts exactly the listed ranges, IPv4-mapped peers included', () => {
    const r = receiver();
    assert.deepEqual([FILTER, '::ffff:10.9.9.9', '2001:db8::5', STRANGER, '11.0.0.1', '::1'].map((ip) => r.isTrusted(ip)), [true, true, true, false, false, false]);
  });

  it('takes a trusted peer\'s header: its source, and its length to skip', () => {
    const decision = receiver().decide(FILTER, Buffer.concat([v2, Buffer.from('payload')]), false);
    assert.ok(decision.kind === 'header');
    assert.deepEqual([decision.header.source, decision.length], [client, v2.length]);
    const v1 = receiver().decide(FILTER, encodeV1(client, listener), false);
    assert.equal(kind(v1), 'header');
  });

  it('waits for the rest of a header cut short, and refuses it when the peer stops', () => {
    assert.equal(kind(receiver().decide(FILTER, v2.subarray(0, 20), false)), 'need-more');
    assert.equal(kind(receiver().decide(FILTER, v2.subarray(0, 20), true)), 'refuse malformed_header');
    assert.equal(kind(receiver().decide(FILTER, Buffer.alloc(0), false)), 'need-more');
    assert.equal(kind(receiver().decide(FILTER, Buffer.alloc(0), true)), 'refuse missing_header');
  });

  it('refuses a trusted peer without a header, unless require_from_trusted is false', () => {
    const plain = Buffer.from([0x10, 0x00, 0xff, 0x05]);
    assert.equal(kind(receiver().decide(FILTER, plain, false)), 'refuse missing_header');
    assert.equal(kind(receiver({ requireFromTrusted: false }).decide(FILTER, plain, false)), 'no-header');
    assert.equal(kind(receiver({ requireFromTrusted: false }).decide(FILTER, Buffer.alloc(0), true)), 'no-header');
    // A signature that turns out malformed is refused either way.
    const broken = Buffer.from(v2);
    broken[12] = 0x31;
    assert.equal(kind(receiver({ requireFromTrusted: false }).decide(FILTER, broken, false)), 'refuse malformed_header');
  });

  it('refuses versions that are not accepted, and v1 on UDP', () => {
    assert.equal(kind(receiver({ acceptV1: false }).decide(FILTER, encodeV1(client, listener), false)), 'refuse malformed_header');
    assert.equal(kind(receiver({ acceptV2: false }).decide(FILTER, v2, false)), 'refuse malformed_header');
    assert.equal(kind(receiver({}, 'udp').decide(FILTER, encodeV1(client, listener), true)), 'refuse malformed_header');
    assert.equal(kind(receiver({}, 'udp').decide(FILTER, encodeV2('udp', client, listener), true)), 'header');
  });

  it('gives an untrusted peer what from_untrusted says', () => {
    const payload = Buffer.from('hello');
    assert.equal(kind(receiver().decide(STRANGER, payload, false)), 'no-header');
    assert.equal(kind(receiver().decide(STRANGER, v2, false)), 'refuse untrusted_header');
    assert.equal(kind(receiver().decide(STRANGER, Buffer.from('PROXY '), false)), 'refuse untrusted_header');
    assert.equal(kind(receiver().decide(STRANGER, Buffer.from('PRO'), false)), 'need-more');
    assert.equal(kind(receiver().decide(STRANGER, Buffer.from('PRO'), true)), 'no-header');
    assert.equal(kind(receiver({ fromUntrusted: 'drop' }).decide(STRANGER, Buffer.alloc(0), false)), 'refuse untrusted_peer');
    assert.equal(kind(receiver({ fromUntrusted: 'plain' }).decide(STRANGER, v2, false)), 'no-header');
  });

  it('says why a header wait timed out', () => {
    assert.deepEqual(receiver().timedOut(FILTER), { kind: 'refuse', refusal: 'header_timeout', detail: 'no complete PROXY header within 5000 ms' });
    assert.equal(receiver().timedOut(STRANGER).detail, 'no first bytes to tell a PROXY header from within 5000 ms');
  });

  it('on an open UDP session: strips a header naming the session\'s client, drops one naming another', () => {
    const r = receiver({}, 'udp');
    const headed = Buffer.concat([encodeV2('udp', client, listener), Buffer.from([0x01, 0x02])]);
    assert.equal(r.headerLengthIn(headed, client.ip, client.port), 28);
    assert.equal(r.headerLengthIn(headed, client.ip, client.port + 1), -1);
    assert.equal(r.headerLengthIn(Buffer.from([0x01, 0x02]), client.ip, client.port), 0);
    assert.equal(r.headerLengthIn(Buffer.concat([V2_LOCAL_HEADER as Buffer, Buffer.from([1])]), client.ip, client.port), 16);
    assert.equal(r.headerLengthIn(headed.subarray(0, 20), client.ip, client.port), -1);
  });
});
