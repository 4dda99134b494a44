import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lines, onlyIssue, parseProxy, validProxy } from './config-fixtures.js';

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
