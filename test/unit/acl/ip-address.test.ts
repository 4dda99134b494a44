import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatIpv6, isV4Mapped, parseIpv4, parseIpv6 } from '../../../shared/acl/ip-address.js';
import { canonicalCidr } from '../../../shared/acl/acl-target.js';
import { seededRandom } from '../../helpers/seeded-random.js';

function v6(text: string): number[] | undefined {
  const words = new Uint32Array(4);
  return parseIpv6(text, words) ? [...words] : undefined;
}

test('parseIpv4 reads dotted quads as unsigned 32-bit numbers', () => {
  assert.equal(parseIpv4('0.0.0.0'), 0);
  assert.equal(parseIpv4('10.1.2.3'), 0x0a010203);
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.equal(parseIpv4('x10.1.2.3', 1), 0x0a010203);
});

test('parseIpv4 refuses what node:net refuses', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '1.2.3.', ' 1.2.3.4', '1.2.3.4 ', '::1', 'a.b.c.d']) {
    assert.equal(parseIpv4(bad), -1, bad);
  }
});

test('parseIpv6 expands :: and reads a dotted IPv4 tail; a zone is ignored', () => {
  assert.deepEqual(v6('::'), [0, 0, 0, 0]);
  assert.deepEqual(v6('::1'), [0, 0, 0, 1]);
  assert.deepEqual(v6('1::'), [0x00010000, 0, 0, 0]);
  assert.deepEqual(v6('2001:DB8::ff00:42:8329'), [0x20010db8, 0, 0x0000ff00, 0x00428329]);
  assert.deepEqual(v6('2001:db8:0:0:1:0:0:1'), [0x20010db8, 0, 0x00010000, 0x00000001]);
  assert.deepEqual(v6('::ffff:1.2.3.4'), [0, 0, 0xffff, 0x01020304]);
  assert.deepEqual(v6('64:ff9b::192.0.2.33'), [0x0064ff9b, 0, 0, 0xc0000221]);
  assert.deepEqual(v6('fe80::1%eth0'), [0xfe800000, 0, 0, 1]);
});

test('parseIpv6 refuses malformed addresses', () => {
  const bad = ['', ':', ':1', '1:', ':::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', 'g::1', '1.2.3.4', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4'];
  for (const text of bad) assert.equal(v6(text), undefined, text);
});

test('isV4Mapped spots ::ffff:0:0/96 in either spelling', () => {
  const words = new Uint32Array(4);
  parseIpv6('::ffff:102:304', words);
  assert.equal(isV4Mapped(words), true);
  assert.equal(words[3], 0x01020304);
  parseIpv6('::1.2.3.4', words);
  assert.equal(isV4Mapped(words), false);
});

test('formatIpv6 writes RFC 5952 text, the same as the WHATWG URL parser', () => {
  const random = seededRandom(6);
  for (let i = 0; i < 2000; i++) {
    // Zero groups are common in real addresses: make them likely so :: placement is exercised.
    const groups = Array.from({ length: 8 }, () => (random() < 0.5 ? 0 : Math.floor(random() * 0x10000)));
    const words = [0, 1, 2, 3].map((w) => groups[2 * w]! * 0x10000 + groups[2 * w + 1]!);
    const text = formatIpv6(words);
    assert.equal(`[${text}]`, new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname);
    assert.deepEqual(v6(text), words);
  }
});

test('formatIpv4 round-trips', () => {
  assert.equal(formatIpv4(0x0a010203), '10.1.2.3');
  assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
});

test('canonicalCidr: a bare IP is its /32 or /128, host bits are cleared, IPv6 is lowercase and compressed', () => {
  assert.equal(canonicalCidr('1.2.3.4'), '1.2.3.4/32');
  assert.equal(canonicalCidr('1.2.3.4/32'), '1.2.3.4/32');
  assert.equal(canonicalCidr(' 10.1.2.3/8 '), '10.0.0.0/8');
  assert.equal(canonicalCidr('0.0.0.0/0'), '0.0.0.0/0');
  assert.equal(canonicalCidr('2001:DB8:0::1'), '2001:db8::1/128');
  assert.equal(canonicalCidr('2001:db8:ffff::/32'), '2001:db8::/32');
  assert.equal(canonicalCidr('::/0'), '::/0');
  assert.equal(canonicalCidr('::ffff:10.1.0.0/104'), '10.0.0.0/8');
  for (const bad of ['1.2.3.4/33', '::1/129', 'example.com', '1.2.3.4/', '1.2.3.4/-1', '']) assert.equal(canonicalCidr(bad), undefined, bad);
});
