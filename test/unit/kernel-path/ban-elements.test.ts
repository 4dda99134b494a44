import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressElement, networkElements, timeoutText } from '../../../supervisor/kernel-path/ban-elements.js';

const NOW = 1_700_000_000_000;

describe('kernel ban elements', () => {
  it('a single address is one hash element with the time left, rounded up', () => {
    assert.deepEqual(addressElement({ target: '203.0.113.7/32', expiresAtMs: NOW + 1500 }, NOW), { family: 4, key: '203.0.113.7', text: '203.0.113.7 timeout 2s' });
    assert.deepEqual(addressElement({ target: '2001:db8::7/128', expiresAtMs: null }, NOW), { family: 6, key: '2001:db8::7', text: '2001:db8::7' });
    assert.equal(addressElement({ target: '203.0.113.0/24', expiresAtMs: null }, NOW), null);
    assert.equal(timeoutText(NOW - 1, NOW), null);
  });

  it('overlapping networks become their union, each piece banned until its last ban ends', () => {
    const bans = [
      { target: '10.0.0.0/8', expiresAtMs: NOW + 60_000 },
      { target: '10.1.0.0/16', expiresAtMs: null },
      { target: '192.168.0.0/24', expiresAtMs: NOW + 10_000 },
      { target: '192.168.1.0/24', expiresAtMs: NOW + 10_000 },
      { target: '172.16.0.0/12', expiresAtMs: NOW - 1 },
      { target: '2001:db8::/32', expiresAtMs: null },
    ];
    assert.deepEqual(networkElements(bans, 4, NOW), [
      '10.0.0.0-10.0.255.255 timeout 60s',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255 timeout 60s',
      '192.168.0.0-192.168.1.255 timeout 10s',
    ]);
    assert.deepEqual(networkElements(bans, 6, NOW), ['2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']);
  });
});
