import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lines, onlyIssue, parseProxy, validProxy } from './config-fixtures.js';

const kernel = (fields: Record<string, unknown> = {}) => parseProxy({ data_path: 'kernel', ...fields });

describe('config: data_path', () => {
  it('defaults to userspace and resolves kernel', () => {
    assert.equal(validProxy().dataPath, 'userspace');
    assert.equal(validProxy({ data_path: 'kernel' }).dataPath, 'kernel');
  });

  it('refuses an unknown data path with the choices', () => {
    assert.match(onlyIssue(parseProxy({ data_path: 'ebpf' })), /^data_path: must be one of: userspace, kernel/);
  });

  it('refuses least-conn with data_path kernel, naming the field and the algorithms that work', () => {
    assert.equal(
      onlyIssue(kernel({ load_balancing: { algorithm: 'least-conn' } })),
      "load_balancing.algorithm: cannot be used with data_path: kernel: least-conn counts each upstream's open connections, which nftables cannot read when it picks; use round-robin, weighted, random or ip-hash, or use data_path: userspace",
    );
    for (const algorithm of ['round-robin', 'weighted', 'random', 'ip-hash']) assert.deepEqual(kernel({ load_balancing: { algorithm } }).issues, []);
  });

  it('refuses L7, PROXY protocol sending, SNI routing, sticky sessions and connection logs, one error per field', () => {
    const result = kernel({
      l7_protection: { enabled: true },
      proxy_protocol: { send: { tcp: 'v2' } },
      tls: { sni_routing: true },
      load_balancing: { sticky_sessions: true },
      logging: { log_connections: true, log_bytes: true },
    });
    assert.deepEqual(
      lines(result.issues).map((line) => line.split(':')[0]),
      ['load_balancing.sticky_sessions', 'l7_protection.enabled', 'proxy_protocol.send.tcp', 'tls.sni_routing', 'logging.log_connections', 'logging.log_bytes'],
    );
    for (const line of lines(result.issues)) assert.match(line, /cannot be used with data_path: kernel: /);
    assert.match(onlyIssue(kernel({ protocol: 'udp', proxy_protocol: { send: { udp: 'v2' } } })), /^proxy_protocol\.send\.udp: cannot be used with data_path: kernel: the worker writes the PROXY header/);
    assert.match(onlyIssue(kernel({ proxy_protocol: { receive: { enabled: true, trusted_cidrs: ['10.1.0.0/16'] } } })), /^proxy_protocol\.receive\.enabled: cannot be used with data_path: kernel: the worker reads the PROXY header/);
  });

  it('refuses hostname routing and the worker\'s own answers (status cache, offline status, A2S cache)', () => {
    const result = kernel({ routing: { by: 'minecraft-host' }, routes: [{ hosts: ['mc.example.com'], 'dest-ip': '10.0.0.2', 'dest-port': 35565 }], status_cache: { enabled: true }, offline_status: { enabled: true }, a2s_cache: { enabled: true } });
    assert.deepEqual(lines(result.issues).map((line) => line.split(':')[0]).filter((path) => path !== 'a2s_cache.enabled'), ['routing.by', 'status_cache.enabled', 'offline_status.enabled']);
    assert.ok(lines(result.issues).some((line) => line.startsWith('a2s_cache.enabled: cannot be used with data_path: kernel')));
  });

  it('refuses per-proxy timeouts and the UDP session cap, but inherits the global defaults silently', () => {
    assert.deepEqual(lines(kernel({ timeouts: { client_read: '30s', udp_session_timeout: '1m' } }).issues).map((line) => line.split(':')[0]), [
      'timeouts.client_read',
      'timeouts.udp_session_timeout',
    ]);
    assert.match(onlyIssue(kernel({ timeouts: { upstream_connect: '1s' } })), /conntrack timeouts/);
    assert.match(onlyIssue(kernel({ udp_max_sessions: 100 })), /^udp_max_sessions: cannot be set with data_path: kernel/);
    assert.deepEqual(kernel().issues, []);
  });

  it('refuses iptables rate limits, which never see forwarded packets', () => {
    assert.equal(
      onlyIssue(kernel({ rate_limits: { tcp_syn_rate_per_ip: 50, drop_fragmented_packets: false } })),
      'rate_limits.tcp_syn_rate_per_ip: cannot be used with data_path: kernel yet: rate limits are iptables rules on the INPUT chain, and kernel-forwarded packets take the FORWARD path instead',
    );
  });

  it('needs one address family on both sides', () => {
    assert.match(onlyIssue(kernel({ 'dest-ip': '10.0.0.1, fd00::1' })), /^dest-ip: mixes IPv4 and IPv6 upstreams/);
    assert.match(onlyIssue(kernel({ 'origin-ip': '::' })), /^origin-ip: :: is IPv6 but the upstreams are IPv4, .* use "0\.0\.0\.0" for every IPv4 address\)$/);
    assert.match(onlyIssue(kernel({ 'origin-ip': '127.0.0.1', 'dest-ip': 'fd00::1' })), /^origin-ip: 127\.0\.0\.1 is IPv4 but the upstreams are IPv6/);
    assert.deepEqual(kernel({ 'origin-ip': '::', 'dest-ip': 'fd00::1, fd00::2' }).issues, []);
    assert.deepEqual(kernel({ 'origin-ip': '0.0.0.0' }).issues, []);
  });

  it('leaves every one of those settings alone in userspace', () => {
    assert.deepEqual(parseProxy({ load_balancing: { algorithm: 'least-conn', sticky_sessions: true }, 'dest-ip': '10.0.0.1, fd00::1', timeouts: { client_read: '5s' } }).issues, []);
  });
});
