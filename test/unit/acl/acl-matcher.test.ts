import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AclAction, AclRule } from '../../../shared/config/resolved-types.js';
import { AclMatcher, ClientIp } from '../../../shared/acl/acl-matcher.js';
import { formatIpv4 } from '../../../shared/acl/ip-address.js';
import { seededRandom } from '../../helpers/seeded-random.js';

function rule(action: AclAction, cidr: string): AclRule {
  return { action, cidr, comment: '' };
}

function matcher(rules: AclRule[], defaultAction: AclAction = 'allow'): AclMatcher {
  return AclMatcher.compile({ rules, defaultAction });
}

function firstMatch(m: AclMatcher, ip: string): number {
  const client = new ClientIp();
  client.parse(ip);
  return m.match(client);
}

test('first match wins across overlapping prefixes, whichever is longer', () => {
  const m = matcher([rule('allow', '10.1.2.0/24'), rule('deny', '10.0.0.0/8'), rule('allow', '10.1.2.3/32')]);
  assert.equal(firstMatch(m, '10.1.2.3'), 0, 'the /24 comes first, the later /32 never decides');
  assert.equal(m.allows('10.1.2.3'), true);
  assert.equal(firstMatch(m, '10.9.9.9'), 1);
  assert.equal(m.allows('10.9.9.9'), false);
  const reversed = matcher([rule('deny', '10.0.0.0/8'), rule('allow', '10.1.2.0/24')]);
  assert.equal(reversed.allows('10.1.2.3'), false, 'a broader rule listed first shadows the narrower one');
});

test('no matching rule falls back to the default action', () => {
  const blacklist = matcher([rule('deny', '5.6.7.0/24')], 'allow');
  assert.equal(blacklist.allows('5.6.7.8'), false);
  assert.equal(blacklist.allows('5.6.8.1'), true);
  assert.equal(firstMatch(blacklist, '5.6.8.1'), -1);
  const whitelist = matcher([rule('allow', '1.2.3.4/32')], 'deny');
  assert.equal(whitelist.allows('1.2.3.4'), true);
  assert.equal(whitelist.allows('1.2.3.5'), false);
  assert.equal(matcher([], 'deny').allows('8.8.8.8'), false);
  assert.equal(matcher([], 'allow').allows('8.8.8.8'), true);
});

test('a bare IP is a /32 or a /128', () => {
  const m = matcher([rule('deny', '1.2.3.4'), rule('deny', '2001:db8::1')]);
  assert.equal(m.allows('1.2.3.4'), false);
  assert.equal(m.allows('1.2.3.5'), true);
  assert.equal(m.allows('2001:db8::1'), false);
  assert.equal(m.allows('2001:db8::2'), true);
  assert.deepEqual(m.keys, ['1.2.3.4/32', '2001:db8::1/128']);
});

test('IPv6 rules match IPv6 clients, in any spelling', () => {
  const m = matcher([rule('allow', '2001:db8:1::/48'), rule('deny', '2001:DB8::/32')]);
  assert.equal(m.allows('2001:db8:1:ffff::5'), true);
  assert.equal(m.allows('2001:0db8:0002:0000:0000:0000:0000:0001'), false);
  assert.equal(m.allows('2001:db9::1'), true);
  assert.equal(m.allows('fe80::1%eth0'), true);
});

test('IPv4-mapped IPv6 clients match IPv4 rules', () => {
  const m = matcher([rule('deny', '10.0.0.0/8')]);
  assert.equal(m.allows('::ffff:10.1.2.3'), false);
  assert.equal(m.allows('::ffff:a01:203'), false);
  assert.equal(m.allows('::ffff:11.1.2.3'), true);
  const mappedRule = matcher([rule('deny', '::ffff:10.0.0.0/104')]);
  assert.equal(mappedRule.allows('10.200.0.1'), false, 'a mapped IPv6 rule is the IPv4 network it names');
});

test('0.0.0.0/0 covers every IPv4 client and ::/0 every IPv6 client, not each other', () => {
  const v4All = matcher([rule('deny', '0.0.0.0/0')]);
  assert.equal(v4All.allows('0.0.0.0'), false);
  assert.equal(v4All.allows('255.255.255.255'), false);
  assert.equal(v4All.allows('::ffff:1.1.1.1'), false);
  assert.equal(v4All.allows('::1'), true);
  const v6All = matcher([rule('deny', '::/0')]);
  assert.equal(v6All.allows('2001:db8::1'), false);
  assert.equal(v6All.allows('::'), false);
  assert.equal(v6All.allows('1.2.3.4'), true);
});

test('a client address that does not parse gets the default action', () => {
  assert.equal(matcher([rule('allow', '0.0.0.0/0'), rule('allow', '::/0')], 'deny').allows(''), false);
  assert.equal(matcher([rule('deny', '0.0.0.0/0')], 'allow').allows('not-an-ip'), true);
});

test('compile refuses a CIDR the config validation would refuse', () => {
  assert.throws(() => matcher([rule('deny', '1.2.3.4/33')]), /1\.2\.3\.4\/33/);
  assert.throws(() => matcher([rule('deny', '::1/129')]), /::1\/129/);
});

// ── Against a naive reference ───────────────────────────────────────────────────────────────

interface RefRule {
  v6: boolean;
  prefix: number;
  /** The network shifted right by (bits - prefix): compare with the address shifted the same. */
  top: bigint;
  net: bigint;
}

function v6Text(value: bigint, random: () => number): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  const full = groups.join(':');
  // Half the time as written in full, half compressed (RFC 5952, via the URL parser).
  return random() < 0.5 ? full : new URL(`http://[${full}]/`).hostname.slice(1, -1);
}

function randomBits(random: () => number, bits: number): bigint {
  let value = 0n;
  for (let i = 0; i < bits; i += 16) value = (value << 16n) | BigInt(Math.floor(random() * 0x10000));
  return value & ((1n << BigInt(bits)) - 1n);
}

test('10,000 random rules agree with a linear first-match scan on random addresses', () => {
  const random = seededRandom(10_000);
  const rules: AclRule[] = [];
  const reference: RefRule[] = [];
  for (let i = 0; i < 10_000; i++) {
    const v6 = random() < 0.5;
    const bits = v6 ? 128 : 32;
    // Short prefixes are rare but present, so rules overlap and shadow each other.
    const prefix = random() < 0.05 ? Math.floor(random() * 9) : Math.floor(random() * (bits + 1));
    const address = randomBits(random, bits);
    const shift = BigInt(bits - prefix);
    const net = (address >> shift) << shift;
    const ip = v6 ? v6Text(address, random) : formatIpv4(Number(address));
    const cidr = prefix === bits && random() < 0.5 ? ip : `${ip}/${prefix}`;
    rules.push(rule(random() < 0.5 ? 'allow' : 'deny', cidr));
    reference.push({ v6, prefix, top: net >> shift, net });
  }
  const m = matcher(rules, 'deny');
  const naive = (v6: boolean, address: bigint): number =>
    reference.findIndex((r) => r.v6 === v6 && address >> BigInt((v6 ? 128 : 32) - r.prefix) === r.top);

  let matched = 0;
  for (let i = 0; i < 3000; i++) {
    const v6 = i % 2 === 1;
    const bits = v6 ? 128 : 32;
    let address = randomBits(random, bits);
    if (random() < 0.7) {
      // Land inside some rule's network, so matches are common and the trie is walked deep.
      const target = reference[Math.floor(random() * reference.length)]!;
      if (target.v6 === v6) {
        const hostBits = BigInt(bits - target.prefix);
        address = target.net | (address & ((1n << hostBits) - 1n));
      }
    }
    const expected = naive(v6, address);
    const text = v6 ? v6Text(address, random) : formatIpv4(Number(address));
    assert.equal(firstMatch(m, text), expected, `first match for ${text}`);
    if (!v6) assert.equal(firstMatch(m, `::ffff:${text}`), expected, `mapped ${text}`);
    if (expected >= 0) matched++;
  }
  assert.ok(matched > 1000, `enough addresses hit a rule (${matched})`);
});
