import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { banEntry, banTimeout, replaceAllInput } from '../../../supervisor/firewall/ban-sets.js';

describe('kernel ban entries', () => {
  it('takes IPs and CIDRs of both families, IPv4-mapped IPv6 as IPv4', () => {
    assert.deepEqual(banEntry('203.0.113.7'), { family: 4, entry: '203.0.113.7' });
    assert.deepEqual(banEntry('203.0.113.0/24'), { family: 4, entry: '203.0.113.0/24' });
    assert.deepEqual(banEntry('203.0.113.7/32'), { family: 4, entry: '203.0.113.7/32' }, 'the ban list\'s canonical single address');
    assert.deepEqual(banEntry('2001:db8::7/128'), { family: 6, entry: '2001:db8::7/128' });
    assert.deepEqual(banEntry('2001:db8::/32'), { family: 6, entry: '2001:db8::/32' });
    assert.deepEqual(banEntry('::ffff:203.0.113.7'), { family: 4, entry: '203.0.113.7' });
    assert.deepEqual(banEntry('::ffff:203.0.113.0/120'), { family: 4, entry: '203.0.113.0/24' });
  });

  it('refuses what a set cannot hold: /0, a bad prefix, not an address', () => {
    for (const bad of ['0.0.0.0/0', '10.0.0.0/33', '10.0.0.0/x', 'example.com', '']) assert.equal(banEntry(bad), null, bad);
  });

  it('the timeout is the time left, at least 1 s; a permanent or very long ban has none (0)', () => {
    assert.equal(banTimeout({ target: 'x', expiresAtMs: 10_500 }, 0), 11);
    assert.equal(banTimeout({ target: 'x', expiresAtMs: 100 }, 5_000), 1);
    assert.equal(banTimeout({ target: 'x', expiresAtMs: null }, 0), 0);
    assert.equal(banTimeout({ target: 'x', expiresAtMs: 30 * 86_400_000 }, 0), 0);
  });

  it('a full sync fills a fresh set and swaps it in, per family', () => {
    const input = replaceAllInput(new Map([[4, 'ROUTEX-bans4'], [6, 'ROUTEX-bans6']]), [{ target: '192.0.2.1', expiresAtMs: 60_000 }, { target: '2001:db8::1', expiresAtMs: null }, { target: 'bogus', expiresAtMs: null }], 0);
    assert.equal(
      input,
      [
        'create ROUTEX-bans4 hash:net family inet timeout 0 maxelem 1048576',
        'create ROUTEX-bans4-new hash:net family inet timeout 0 maxelem 1048576',
        'flush ROUTEX-bans4-new',
        'add ROUTEX-bans4-new 192.0.2.1 timeout 60',
        'swap ROUTEX-bans4-new ROUTEX-bans4',
        'destroy ROUTEX-bans4-new',
        'create ROUTEX-bans6 hash:net family inet6 timeout 0 maxelem 1048576',
        'create ROUTEX-bans6-new hash:net family inet6 timeout 0 maxelem 1048576',
        'flush ROUTEX-bans6-new',
        'add ROUTEX-bans6-new 2001:db8::1 timeout 0',
        'swap ROUTEX-bans6-new ROUTEX-bans6',
        'destroy ROUTEX-bans6-new',
        '',
      ].join('\n'),
    );
  });
});
