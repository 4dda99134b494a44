import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashlimitName, parseComment, proxyChain, ruleComment } from '../../../supervisor/firewall/firewall-names.js';
import { portGroups, portsText } from '../../../supervisor/firewall/port-groups.js';
import { kindLabel } from '../../../supervisor/firewall/rule-kinds.js';
import { NAMING } from './firewall-fixtures.js';

describe('firewall names', () => {
  it('a proxy chain is <prefix>-<proxy> when that fits in 28 characters', () => {
    assert.equal(proxyChain(NAMING, 'lobby-eu.1'), 'ROUTEX-lobby-eu.1');
  });

  it('a long proxy name gets a shortened, hashed chain name, distinct per name', () => {
    const a = proxyChain(NAMING, 'minecraft-network-lobby-europe-1');
    const b = proxyChain(NAMING, 'minecraft-network-lobby-europe-2');
    assert.ok(a.length <= 28 && b.length <= 28);
    assert.match(a, /^ROUTEX-minecraft-netw~[0-9a-f]{6}$/);
    assert.notEqual(a, b);
    const longPrefix = { ...NAMING, chainPrefix: 'ABCDEFGHIJKLMNOP' };
    assert.ok(proxyChain(longPrefix, 'x'.repeat(64)).length <= 28);
  });

  it('a proxy named INPUT or PROBE never takes RouteX\'s own chains', () => {
    assert.notEqual(proxyChain(NAMING, 'INPUT'), 'ROUTEX-INPUT');
    assert.notEqual(proxyChain(NAMING, 'PROBE'), 'ROUTEX-PROBE');
  });

  it('hashlimit names are at most 15 safe characters and change with the settings', () => {
    const name = hashlimitName(NAMING, 'a/b c'.repeat(10), 'SynRate', '10/10/srcip');
    assert.match(name, /^rx[0-9a-f]{12}$/);
    assert.notEqual(hashlimitName(NAMING, 'mc', 'SynRate', '10/10/srcip'), hashlimitName(NAMING, 'mc', 'SynRate', '20/20/srcip'));
    assert.notEqual(hashlimitName(NAMING, 'mc', 'SynRate', '10/10/srcip'), hashlimitName(NAMING, 'mc2', 'SynRate', '10/10/srcip'));
  });

  it('comments parse back to proxy, kind and ports, whatever "-" the proxy name holds', () => {
    const comment = ruleComment(NAMING, 'eu-lobby-SynRate-1', 'SynRate', '25565,27015:27020');
    assert.equal(comment, 'RouteX-eu-lobby-SynRate-1-SynRate-25565,27015:27020');
    assert.deepEqual(parseComment(NAMING, comment), { proxy: 'eu-lobby-SynRate-1', kind: 'SynRate', scope: '25565,27015:27020' });
  });

  it('comments of others, the INPUT jump and unknown kinds are nobody\'s', () => {
    assert.equal(parseComment(NAMING, 'RouteX-INPUT'), null);
    assert.equal(parseComment(NAMING, 'ufw-user-input'), null);
    assert.equal(parseComment(NAMING, 'RouteX-mc-Bogus-25565'), null);
    assert.equal(parseComment({ ...NAMING, commentPrefix: 'Other' }, 'RouteX-mc-SynRate-25565'), null);
  });

  it('a comment never passes the kernel\'s 255 characters', () => {
    const ports = Array.from({ length: 100 }, (_, i) => 1000 + i * 3);
    const comment = ruleComment({ ...NAMING, commentPrefix: 'x'.repeat(32) }, 'p'.repeat(64), 'NewConnGlobal', portsText(ports));
    assert.equal(comment.length, 255);
    assert.ok(comment.endsWith('...'));
    assert.equal(parseComment({ ...NAMING, commentPrefix: 'x'.repeat(32) }, comment)?.proxy, 'p'.repeat(64));
  });

  it('kinds become snake_case metric labels', () => {
    assert.equal(kindLabel('SynRate'), 'syn_rate');
    assert.equal(kindLabel('UdpPayloadMax'), 'udp_payload_max');
    assert.equal(kindLabel('Ban'), 'ban');
  });
});

describe('port groups', () => {
  it('folds ports into runs in iptables notation', () => {
    assert.equal(portsText([27017, 25565, 27015, 27016, 25565]), '25565,27015:27017');
  });

  it('keeps every multiport group within 15 slots, a range counting two', () => {
    const ports = [1, 2, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61, 70, 71, 80];
    const groups = portGroups(ports);
    assert.deepEqual(groups.map((g) => g.text), ['1:2,10:11,20:21,30:31,40:41,50:51,60:61', '70:71,80']);
    const covered = groups.flatMap((g) => g.text.split(',')).flatMap((run) => {
      const [low, high = low] = run.split(':').map(Number);
      return Array.from({ length: high! - low! + 1 }, (_, i) => low! + i);
    });
    assert.deepEqual(covered, ports);
  });
});
