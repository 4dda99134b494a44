import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCidr } from '../../../shared/config/cidr.js';
import { parseHexBytes } from '../../../shared/config/hex-bytes.js';
import { parseHostPort } from '../../../shared/config/host-port.js';
import { parseIpList } from '../../../shared/config/ip-list.js';
import { canonicalIp } from '../../../shared/ip-port.js';
import type { Parsed } from '../../../shared/config/parsed.js';
import { closestMatch } from '../../../shared/config/suggest.js';

function valueOf<T>(parsed: Parsed<T>): T {
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
}

function errorOf(parsed: Parsed<unknown>): string {
  assert.equal(parsed.ok, false);
  return parsed.ok ? '' : parsed.error;
}

describe('parseIpList', () => {
  it('splits a comma list of IPv4 and IPv6 addresses', () => {
    assert.deepEqual(valueOf(parseIpList('10.0.0.1, 10.0.0.2,::1')), ['10.0.0.1', '10.0.0.2', '::1']);
  });

  it('writes IPv6 addresses in one canonical form and drops repeats', () => {
    assert.deepEqual(valueOf(parseIpList('2001:DB8:0:0::1, 2001:db8::1')), ['2001:db8::1']);
    assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  });

  it('names the token that is not an IP', () => {
    assert.equal(errorOf(parseIpList('10.0.0.1, example.com')), '"example.com" is not an IPv4 or IPv6 address');
    assert.equal(errorOf(parseIpList('10.0.0.256')), '"10.0.0.256" is not an IPv4 or IPv6 address');
  });

  it('needs at least one address', () => {
    assert.equal(errorOf(parseIpList(' , ')), 'must list at least one IP address, like "10.0.0.1" or "10.0.0.1, 10.0.0.2"');
  });
});

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 CIDRs and bare IPs', () => {
    assert.deepEqual(valueOf(parseCidr('10.0.0.0/8')), { ip: '10.0.0.0', prefix: 8, family: 4 });
    assert.deepEqual(valueOf(parseCidr('2001:db8::/32')), { ip: '2001:db8::', prefix: 32, family: 6 });
    assert.deepEqual(valueOf(parseCidr('1.2.3.4')), { ip: '1.2.3.4', prefix: 32, family: 4 });
    assert.deepEqual(valueOf(parseCidr('::1')), { ip: '::1', prefix: 128, family: 6 });
  });

  it('refuses a prefix longer than the address', () => {
    assert.equal(errorOf(parseCidr('1.2.3.4/33')), 'invalid prefix length "/33" in "1.2.3.4/33": must be 0-32 for IPv4');
    assert.equal(errorOf(parseCidr('::1/129')), 'invalid prefix length "/129" in "::1/129": must be 0-128 for IPv6');
    assert.match(errorOf(parseCidr('10.0.0.0/x')), /invalid prefix length/);
  });

  it('refuses what is not an address', () => {
    assert.equal(errorOf(parseCidr('10.0.0/8')), '"10.0.0/8" is not a CIDR like "10.0.0.0/8" or an IP address');
  });
});

describe('parseHostPort', () => {
  it('reads IPv4, bracketed IPv6 and localhost', () => {
    assert.deepEqual(valueOf(parseHostPort('127.0.0.1:9000')), { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(valueOf(parseHostPort('[::1]:9000')), { host: '::1', port: 9000 });
    assert.deepEqual(valueOf(parseHostPort('localhost:8080')), { host: 'localhost', port: 8080 });
  });

  it('refuses host names, missing ports and bad ports', () => {
    assert.equal(errorOf(parseHostPort('example.com:9000')), 'host "example.com" must be an IP address or "localhost" (IPv6 goes in brackets: "[::1]:9000")');
    assert.equal(errorOf(parseHostPort('127.0.0.1')), '"127.0.0.1" is not host:port (like "127.0.0.1:9000" or "[::1]:9000")');
    assert.equal(errorOf(parseHostPort('127.0.0.1:0')), 'port 0 is out of range 1-65535');
    assert.equal(errorOf(parseHostPort('::1:9000')), '"::1:9000" is not host:port (like "127.0.0.1:9000" or "[::1]:9000")');
  });
});

describe('parseHexBytes', () => {
  it('reads comma-separated 0x bytes', () => {
    assert.deepEqual(valueOf(parseHexBytes('0x0F,0x10')), [15, 16]);
    assert.deepEqual(valueOf(parseHexBytes('0xff, 0X1')), [255, 1]);
  });

  it('names the byte that is wrong', () => {
    assert.equal(errorOf(parseHexBytes('0x0F,10')), 'byte 2 "10" must be 0x followed by one or two hex digits, like 0x0F');
    assert.equal(errorOf(parseHexBytes('0x0F10')), 'byte 1 "0x0F10" must be 0x followed by one or two hex digits, like 0x0F');
    assert.equal(errorOf(parseHexBytes('0xZZ')), 'byte 1 "0xZZ" must be 0x followed by one or two hex digits, like 0x0F');
    assert.equal(errorOf(parseHexBytes('')), 'must list at least one byte, like "0x0F,0x10"');
  });
});

describe('closestMatch', () => {
  it('finds a key one typo away, or with _ for -', () => {
    assert.equal(closestMatch('algoritm', ['algorithm', 'sticky_ttl']), 'algorithm');
    assert.equal(closestMatch('origin_ip', ['origin-ip', 'dest-ip']), 'origin-ip');
    assert.equal(closestMatch('Round-Robin', ['round-robin', 'random']), 'round-robin');
  });

  it('suggests nothing for an unrelated word', () => {
    assert.equal(closestMatch('banana', ['algorithm', 'sticky_ttl']), undefined);
  });
});
