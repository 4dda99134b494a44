import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFragmentRules, fragmentBatch, parseNftRules } from '../../../supervisor/firewall/fragment-rules.js';
import { NAMING, noLimits, proxyInput } from './firewall-fixtures.js';

const on = { ...noLimits(), dropFragmentedPackets: true };

describe('drop_fragmented_packets (nftables, before reassembly)', () => {
  it('drops first fragments to the proxy\'s ports, per protocol, IPv4 and IPv6', () => {
    assert.deepEqual(buildFragmentRules(proxyInput({ originIps: ['::'], originPorts: [25565, 27015, 27016], rateLimits: on }), NAMING, [4, 6]), [
      'meta nfproto ipv4 tcp dport { 25565,27015-27016 } ip frag-off & 0x3fff != 0 counter drop comment "RouteX-mc-Fragment-25565,27015:27016"',
      'meta nfproto ipv4 udp dport { 25565,27015-27016 } ip frag-off & 0x3fff != 0 counter drop comment "RouteX-mc-Fragment-25565,27015:27016"',
      'meta nfproto ipv6 tcp dport { 25565,27015-27016 } exthdr frag exists counter drop comment "RouteX-mc-Fragment-25565,27015:27016"',
      'meta nfproto ipv6 udp dport { 25565,27015-27016 } exthdr frag exists counter drop comment "RouteX-mc-Fragment-25565,27015:27016"',
    ]);
  });

  it('matches the origin address when it is not 0.0.0.0 / ::', () => {
    const rules = buildFragmentRules(proxyInput({ protocol: 'udp', originIps: ['192.0.2.7'], rateLimits: on }), NAMING, [4, 6]);
    assert.deepEqual(rules, ['meta nfproto ipv4 ip daddr 192.0.2.7 udp dport { 25565 } ip frag-off & 0x3fff != 0 counter drop comment "RouteX-mc-Fragment-25565"']);
  });

  it('is off by default', () => {
    assert.deepEqual(buildFragmentRules(proxyInput(), NAMING, [4, 6]), []);
  });

  it('keeps comments within nftables\' 128 characters', () => {
    const ports = Array.from({ length: 50 }, (_, i) => 1000 + i * 2);
    const [rule] = buildFragmentRules(proxyInput({ name: 'n'.repeat(64), originPorts: ports, rateLimits: on }), { ...NAMING, commentPrefix: 'c'.repeat(32) }, [4]);
    assert.equal(/comment "([^"]*)"/.exec(rule!)![1]!.length, 128);
  });

  it('replaces only its own proxy\'s rules, and drops the table with the last rule', () => {
    const current = [
      { handle: 4, comment: 'RouteX-mc-Fragment-25565', packets: 0, bytes: 0 },
      { handle: 5, comment: 'RouteX-other-Fragment-1', packets: 0, bytes: 0 },
    ];
    const batch = fragmentBatch(current, NAMING, 'mc', ['X']);
    assert.match(batch, /delete rule inet routex_fragments prerouting handle 4\n/);
    assert.doesNotMatch(batch, /handle 5/);
    assert.match(batch, /add rule inet routex_fragments prerouting X\n$/);
    assert.match(batch, /type filter hook prerouting priority -450;/);
    assert.equal(fragmentBatch(current.slice(0, 1), NAMING, 'mc', []), 'delete table inet routex_fragments\n');
    assert.equal(fragmentBatch([], NAMING, 'mc', []), '');
  });

  it('reads rules and counters from nft -j output', () => {
    const json = JSON.stringify({ nftables: [{ metainfo: {} }, { chain: { name: 'prerouting' } }, { rule: { chain: 'prerouting', handle: 7, comment: 'RouteX-mc-Fragment-25565', expr: [{ match: {} }, { counter: { packets: 3, bytes: 4500 } }, { drop: null }] } }] });
    assert.deepEqual(parseNftRules(json), [{ handle: 7, comment: 'RouteX-mc-Fragment-25565', packets: 3, bytes: 4500 }]);
  });
});
