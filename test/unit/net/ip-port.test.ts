import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, formatIpPort, parseIpPort, unmapIpv4 } from '../../../shared/ip-port.js';
import { parseUpstreamSelector } from '../../../supervisor/api/upstream-selector.js';
import { parseWeightKey } from '../../../shared/config/upstream-weights.js';
import { parseIpList } from '../../../shared/config/ip-list.js';

describe('canonicalIp: one spelling per address', () => {
  it('writes IPv6 in RFC 5952 form: lowercase, leading zeros dropped, the longest zero run as ::', () => {
    for (const text of ['2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::1', '2001:DB8:0::0:1']) assert.equal(canonicalIp(text), '2001:db8::1', text);
    assert.equal(canonicalIp('1:0:3:4:5:6:7:8'), '1:0:3:4:5:6:7:8', 'a single zero group is not compressed');
    assert.equal(canonicalIp('0:0:0:0:0:0:0:0'), '::');
    assert.equal(canonicalIp('FE80::1%eth0'), 'fe80::1%eth0', 'a zone id is kept as written');
  });

  it('writes an IPv4-mapped IPv6 address as the IPv4 address, in any spelling', () => {
    for (const text of ['::ffff:10.0.0.1', '::FFFF:10.0.0.1', '0:0:0:0:0:ffff:a00:1', '::ffff:0a00:0001']) assert.equal(canonicalIp(text), '10.0.0.1', text);
    assert.equal(unmapIpv4('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(unmapIpv4('::1'), '::1');
  });

  it('keeps IPv4 as written and refuses what is not an address', () => {
    assert.equal(canonicalIp('10.0.0.1'), '10.0.0.1');
    for (const text of ['010.0.0.1', '10.0.0.256', 'example.com', '', '2001:db8::1::2', '[::1]']) assert.equal(canonicalIp(text), undefined, text);
  });
});

describe('parseIpPort', () => {
  it('reads ip, ip:port, [ipv6] and [ipv6]:port, the IP canonical', () => {
    assert.deepEqual(parseIpPort('10.0.0.1', { port: 'optional' }), { ok: true, value: { ip: '10.0.0.1' } });
    assert.deepEqual(parseIpPort(' 10.0.0.1:80 ', { port: 'optional' }), { ok: true, value: { ip: '10.0.0.1', port: 80 } });
    assert.deepEqual(parseIpPort('2001:DB8::1', { port: 'optional' }), { ok: true, value: { ip: '2001:db8::1' } });
    assert.deepEqual(parseIpPort('[2001:DB8:0:0::1]:25565', { port: 'optional' }), { ok: true, value: { ip: '2001:db8::1', port: 25565 } });
    assert.deepEqual(parseIpPort('[::ffff:127.0.0.1]:80', { port: 'required' }), { ok: true, value: { ip: '127.0.0.1', port: 80 } });
    assert.deepEqual(parseIpPort('localhost:9000', { port: 'required', hostNames: ['localhost'] }), { ok: true, value: { ip: 'localhost', port: 9000 } });
  });

  it('says what is wrong, and with which part', () => {
    assert.deepEqual(parseIpPort('10.0.0.1', { port: 'required' }), { ok: false, problem: 'shape', part: '10.0.0.1' });
    assert.deepEqual(parseIpPort('[10.0.0.1]:80', { port: 'optional' }), { ok: false, problem: 'not-ipv6-in-brackets', part: '10.0.0.1' });
    assert.deepEqual(parseIpPort('example.com:80', { port: 'optional' }), { ok: false, problem: 'not-an-ip', part: 'example.com' });
    assert.deepEqual(parseIpPort('10.0.0.1:70000', { port: 'optional' }), { ok: false, problem: 'port-range', part: '70000' });
    assert.deepEqual(parseIpPort('[::1]:0', { port: 'optional' }), { ok: false, problem: 'port-range', part: '0' });
    assert.equal(parseIpPort('10.0.0.1:', { port: 'optional' }).ok, false);
  });

  it('formats back: brackets for IPv6 only', () => {
    assert.equal(formatIpPort('2001:db8::1', 80), '[2001:db8::1]:80');
    assert.equal(formatIpPort('10.0.0.1', 80), '10.0.0.1:80');
  });
});

describe('config, API and worker read addresses the same way', () => {
  it('an upstream named in any spelling is the one the config lists', () => {
    const [configured] = (parseIpList('2001:db8::1') as { ok: true; value: string[] }).value;
    for (const text of ['2001:DB8::1', '2001:0db8:0:0:0:0:0:1', '[2001:db8:0::1]']) assert.equal(parseUpstreamSelector(text).ip, configured, text);
    assert.deepEqual(parseUpstreamSelector('[2001:DB8::1]:35565'), { ip: '2001:db8::1', port: 35565 });
    assert.deepEqual(parseUpstreamSelector('::ffff:10.0.0.1'), { ip: '10.0.0.1' });
    assert.deepEqual(parseWeightKey('[2001:DB8::1]:35565'), { ok: true, value: { ip: '2001:db8::1', port: 35565 } });
    assert.deepEqual(parseIpList('::ffff:10.0.0.1, 10.0.0.1'), { ok: true, value: ['10.0.0.1'] }, 'one address, listed once');
  });

  it('the API refuses what is not an upstream with ERR_INVALID_UPSTREAM', () => {
    assert.throws(() => parseUpstreamSelector('example.com'), { code: 'ERR_INVALID_UPSTREAM' });
    assert.throws(() => parseUpstreamSelector('10.0.0.1:99999'), { code: 'ERR_INVALID_UPSTREAM', message: '"99999" is not a port (1-65535)' });
  });
});
