import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProxySet, type ProxySetEntry } from '../../../shared/config/check-proxy-set.js';
import { formatIssue } from '../../../shared/config/errors.js';
import { validProxy } from './config-fixtures.js';

function entry(file: string, fields: Record<string, unknown>): ProxySetEntry {
  return { file, config: validProxy(fields) };
}

function messages(entries: ProxySetEntry[]): string[] {
  return checkProxySet(entries).map(formatIssue);
}

describe('checkProxySet', () => {
  it('accepts proxies with distinct names and ports', () => {
    assert.deepEqual(messages([entry('a.yaml', { name: 'a' }), entry('b.yaml', { name: 'b', 'origin-port': 25566 })]), []);
  });

  it('reports a duplicate name on the later file, naming the earlier one', () => {
    const entries = [entry('a.yaml', { name: 'mc' }), entry('b.yaml', { name: 'MC', 'origin-port': 25566 })];
    assert.deepEqual(messages(entries), ['b.yaml: name: "MC" is already the name of the proxy in a.yaml; names must be unique (ignoring case)']);
  });

  it('reports two proxies on the same ip:port and transport', () => {
    const entries = [entry('a.yaml', { name: 'a' }), entry('b.yaml', { name: 'b' })];
    assert.deepEqual(messages(entries), ['b.yaml: origin-port: 127.0.0.1:25565/tcp overlaps 127.0.0.1:25565/tcp of proxy "a" in a.yaml']);
  });

  it('treats 0.0.0.0 as overlapping every IPv4 address on the port', () => {
    const entries = [entry('a.yaml', { name: 'a', 'origin-ip': '10.1.2.3' }), entry('b.yaml', { name: 'b', 'origin-ip': '0.0.0.0' })];
    assert.deepEqual(messages(entries), ['b.yaml: origin-port: 0.0.0.0:25565/tcp overlaps 10.1.2.3:25565/tcp of proxy "a" in a.yaml']);
  });

  it('treats :: as overlapping every address on the port', () => {
    const entries = [entry('a.yaml', { name: 'a', 'origin-ip': '::' }), entry('b.yaml', { name: 'b', 'origin-ip': '10.1.2.3' })];
    assert.deepEqual(messages(entries), ['b.yaml: origin-port: 10.1.2.3:25565/tcp overlaps [::]:25565/tcp of proxy "a" in a.yaml']);
  });

  it('lets 0.0.0.0 and an IPv6 address share a port', () => {
    assert.deepEqual(messages([entry('a.yaml', { name: 'a', 'origin-ip': '0.0.0.0' }), entry('b.yaml', { name: 'b', 'origin-ip': '::1' })]), []);
  });

  it('lets TCP and UDP share a port', () => {
    assert.deepEqual(messages([entry('a.yaml', { name: 'a', protocol: 'tcp' }), entry('b.yaml', { name: 'b', protocol: 'udp' })]), []);
  });

  it('names the exact transport that clashes for tcp-udp', () => {
    const entries = [entry('a.yaml', { name: 'a', protocol: 'udp' }), entry('b.yaml', { name: 'b', protocol: 'tcp-udp' })];
    assert.deepEqual(messages(entries), ['b.yaml: origin-port: 127.0.0.1:25565/udp overlaps 127.0.0.1:25565/udp of proxy "a" in a.yaml']);
  });

  it('reports one issue per clashing proxy, counting the other listeners', () => {
    const entries = [entry('a.yaml', { name: 'a', 'origin-port': '25565:25567' }), entry('b.yaml', { name: 'b', 'origin-port': '25566:25570' })];
    assert.deepEqual(messages(entries), [
      'b.yaml: origin-port: 127.0.0.1:25566/tcp overlaps 127.0.0.1:25566/tcp of proxy "a" in a.yaml (and 1 more overlaps with that proxy)',
    ]);
  });

  it('ignores the ports of a disabled proxy', () => {
    assert.deepEqual(messages([entry('a.yaml', { name: 'a', enabled: false }), entry('b.yaml', { name: 'b' })]), []);
  });
});
