import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lines, onlyIssue, parseProxy, validProxy } from './config-fixtures.js';

const receive = (fields: Record<string, unknown>): Record<string, unknown> => ({ proxy_protocol: { receive: { enabled: true, trusted_cidrs: ['10.0.0.0/8'], ...fields } } });

describe('proxy_protocol config', () => {
  it('sends nothing by default', () => {
    assert.deepEqual(validProxy().proxyProtocol.send, { tcp: 'off', udp: 'off', udpHeader: 'first', uniqueId: true, healthCheck: 'local' });
  });

  it('resolves every send field', () => {
    const config = validProxy({ protocol: 'tcp-udp', proxy_protocol: { send: { tcp: 'v1', udp: 'v2', udp_header: 'every', unique_id: false, health_check: 'proxy' } } });
    assert.deepEqual(config.proxyProtocol.send, { tcp: 'v1', udp: 'v2', udpHeader: 'every', uniqueId: false, healthCheck: 'proxy' });
  });

  it('refuses v1 on UDP and says why', () => {
    assert.equal(onlyIssue(parseProxy({ protocol: 'udp', proxy_protocol: { send: { udp: 'v1' } } })), 'proxy_protocol.send.udp: v1 cannot describe UDP (its header has no UDP form): use v2 or off');
    assert.equal(onlyIssue(parseProxy({ proxy_protocol: { send: { udp: 'v3' } } })), 'proxy_protocol.send.udp: must be one of: off, v2');
    assert.equal(onlyIssue(parseProxy({ proxy_protocol: { send: { tcp: 'v3' } } })), 'proxy_protocol.send.tcp: must be one of: off, v1, v2 (did you mean "v1"?)');
  });

  it('refuses unknown keys and values with a hint', () => {
    assert.equal(onlyIssue(parseProxy({ proxy_protocol: { send: { tcp: 'v2', unique_ids: true } } })), 'proxy_protocol.send.unique_ids: unknown key "unique_ids" (did you mean "unique_id"?)');
    assert.equal(onlyIssue(parseProxy({ proxy_protocol: { send: { udp_header: 'all' } } })), 'proxy_protocol.send.udp_header: must be one of: first, every');
    assert.equal(onlyIssue(parseProxy({ proxy_protocol: { send: { health_check: 'LOCAL' } } })), 'proxy_protocol.send.health_check: must be one of: local, proxy, none (did you mean "local"?)');
  });

  it('warns when a direction has no listener to act on', () => {
    const udpOnly = parseProxy({ protocol: 'udp', proxy_protocol: { send: { tcp: 'v2' } } });
    assert.deepEqual(udpOnly.issues, []);
    assert.deepEqual(lines(udpOnly.warnings), ['proxy_protocol.send.tcp: has no effect: this proxy has no TCP listener (protocol: udp)']);
    const tcpOnly = parseProxy({ protocol: 'tcp', proxy_protocol: { send: { udp: 'v2' } } });
    assert.deepEqual(lines(tcpOnly.warnings), ['proxy_protocol.send.udp: has no effect: this proxy has no UDP listener (protocol: tcp)']);
  });
});

describe('proxy_protocol.receive config', () => {
  it('is off by default, with the spec-minded defaults', () => {
    assert.deepEqual(validProxy().proxyProtocol.receive, {
      enabled: false,
      acceptV1: true,
      acceptV2: true,
      onTcp: true,
      onUdp: false,
      trustedCidrs: [],
      fromUntrusted: 'reject',
      requireFromTrusted: true,
      headerTimeoutMs: 5000,
      maxHeaderBytes: 536,
    });
  });

  it('resolves every send and receive field', () => {
    const config = validProxy({
      protocol: 'tcp-udp',
      proxy_protocol: {
        send: { tcp: 'v1', udp: 'v2', udp_header: 'every', unique_id: false, health_check: 'proxy' },
        receive: { enabled: true, versions: ['v2'], transports: ['tcp', 'udp'], trusted_cidrs: ['10.0.0.0/8', '2001:db8::/32'], from_untrusted: 'drop', require_from_trusted: false, header_timeout: '3s', max_header_bytes: 4096 },
      },
    });
    assert.deepEqual(config.proxyProtocol, {
      send: { tcp: 'v1', udp: 'v2', udpHeader: 'every', uniqueId: false, healthCheck: 'proxy' },
      receive: {
        enabled: true,
        acceptV1: false,
        acceptV2: true,
        onTcp: true,
        onUdp: true,
        trustedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
        fromUntrusted: 'drop',
        requireFromTrusted: false,
        headerTimeoutMs: 3000,
        maxHeaderBytes: 4096,
      },
    });
  });  it('refuses receive without trusted CIDRs', () => {
    assert.equal(
      onlyIssue(parseProxy({ proxy_protocol: { receive: { enabled: true } } })),
      'proxy_protocol.receive.trusted_cidrs: needs at least one CIDR when receive is enabled: the addresses of the filters or load balancers in front (anyone else could claim any address)',
    );
    assert.deepEqual(parseProxy({ proxy_protocol: { receive: { enabled: false } } }).issues, []);
  });  it('warns about a trusted range that covers every address', () => {
    const result = parseProxy(receive({ trusted_cidrs: ['0.0.0.0/0', '::/0', '10.0.0.0/8'] }));
    assert.deepEqual(result.issues, []);
    assert.deepEqual(lines(result.warnings), [
      'proxy_protocol.receive.trusted_cidrs[0]: "0.0.0.0/0" trusts every IPv4 address: any client can claim to be anyone (list only your filters\' addresses)',
      'proxy_protocol.receive.trusted_cidrs[1]: "::/0" trusts every IPv6 address: any client can claim to be anyone (list only your filters\' addresses)',
    ]);
  });  it('refuses a header timeout under 3 s, a bad CIDR and a header cap under one v1 line', () => {
    assert.deepEqual(lines(parseProxy(receive({ header_timeout: '2s', trusted_cidrs: ['10.0.0.0/33'], max_header_bytes: 100 })).issues), [
      'proxy_protocol.receive.trusted_cidrs[0]: invalid prefix length "/33" in "10.0.0.0/33": must be 0-32 for IPv4',
      'proxy_protocol.receive.max_header_bytes: must be 107 or more',
    ]);
    assert.equal(onlyIssue(parseProxy(receive({ header_timeout: '2500ms' }))), 'proxy_protocol.receive.header_timeout: must be at least 3s (the PROXY protocol spec: one TCP retransmit must fit), not 2.5s');
  });  it('refuses UDP receive without v2, empty or repeated lists and unknown keys', () => {
    assert.equal(onlyIssue(parseProxy({ protocol: 'udp', ...receive({ versions: ['v1'], transports: ['udp'] }) })), 'proxy_protocol.receive.versions: must include v2 when transports has udp: v1 cannot describe UDP');
    assert.equal(onlyIssue(parseProxy(receive({ versions: [] }))), 'proxy_protocol.receive.versions: must not be empty');
    assert.match(onlyIssue(parseProxy(receive({ transports: ['tcp', 'tcp'] }))), /^proxy_protocol\.receive\.transports: must NOT have duplicate items/);
    assert.equal(onlyIssue(parseProxy({ proxy_protocol: { send: { tcp: 'v2', unique_ids: true } } })), 'proxy_protocol.send.unique_ids: unknown key "unique_ids" (did you mean "unique_id"?)');
  });
  it('warns when receive has no listener to act on', () => {
    const result = parseProxy({ protocol: 'udp', proxy_protocol: { receive: { enabled: true, trusted_cidrs: ['10.0.0.1'] } } });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(lines(result.warnings), [
      'proxy_protocol.receive.transports: lists tcp, but this proxy has no TCP listener',
      'proxy_protocol.receive.enabled: is true, but no listener of this proxy reads headers (see transports)',
    ]);
  });
});
