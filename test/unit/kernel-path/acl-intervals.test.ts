import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AclMatcher } from '../../../shared/acl/acl-matcher.js';
import type { AclConfig } from '../../../shared/config/resolved-types.js';
import { aclIntervals } from '../../../supervisor/kernel-path/acl-intervals.js';
import { addressValue, formatAddress, rangeText } from '../../../supervisor/kernel-path/address-ranges.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const acl = (defaultAction: 'allow' | 'deny', rules: [string, string][]): AclConfig => ({
  enabled: true,
  defaultAction,
  closeExistingOnDeny: false,
  rules: rules.map(([action, cidr]) => ({ action: action as 'allow' | 'deny', cidr, comment: '' })),
});

describe('kernel ACL intervals', () => {
  it('nothing to look up when the ACL is off or cannot refuse anyone', () => {
    assert.deepEqual(aclIntervals({ ...acl('deny', []), enabled: false }, 4), []);
    assert.deepEqual(aclIntervals(acl('allow', []), 4), []);
  });

  it('cuts the address space at the rules, first rule wins where they overlap', () => {
    const pieces = aclIntervals(acl('allow', [['allow', '10.1.0.0/16'], ['deny', '10.0.0.0/8']]), 4);
    assert.deepEqual(
      pieces.map((p) => [rangeText(p.from, p.to, 4), p.allow, p.rule]),
      [
        ['0.0.0.0-9.255.255.255', true, null],
        ['10.0.0.0-10.0.255.255', false, 'deny 10.0.0.0/8'],
        ['10.1.0.0-10.1.255.255', true, 'allow 10.1.0.0/16'],
        ['10.2.0.0-10.255.255.255', false, 'deny 10.0.0.0/8'],
        ['11.0.0.0-255.255.255.255', true, null],
      ],
    );
  });

  it('covers every address exactly once, IPv6 too', () => {
    const pieces = aclIntervals(acl('deny', [['allow', '2001:db8::/32'], ['allow', '::1']]), 6);
    assert.equal(pieces[0]!.from, 0n);
    assert.equal(pieces.at(-1)!.to, (1n << 128n) - 1n);
    for (let i = 1; i < pieces.length; i++) assert.equal(pieces[i]!.from, pieces[i - 1]!.to + 1n);
    assert.deepEqual(pieces.filter((p) => p.allow).map((p) => rangeText(p.from, p.to, 6)), ['::1', '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']);
  });

  it('agrees with the userspace matcher on random rules and addresses', () => {
    const random = seededRandom(7);
    const rules: [string, string][] = Array.from({ length: 200 }, () => {
      const prefix = 8 + Math.floor(random() * 25);
      const ip = [0, 0, 0, 0].map(() => Math.floor(random() * 4) * 64 + Math.floor(random() * 3)).join('.');
      return [random() < 0.5 ? 'allow' : 'deny', `${ip}/${prefix}`];
    });
    const config = acl('deny', rules);
    const matcher = AclMatcher.compile(config);
    const pieces = aclIntervals(config, 4);
    for (let n = 0; n < 5000; n++) {
      const ip = formatAddress(BigInt(Math.floor(random() * 2 ** 32)), 4);
      const value = addressValue(ip, 4)!;
      const piece = pieces.find((p) => p.from <= value && value <= p.to)!;
      assert.equal(piece.allow, matcher.allows(ip), ip);
    }
  });
});
