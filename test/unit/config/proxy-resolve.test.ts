import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globalConfig, validProxy } from './config-fixtures.js';

describe('proxy resolution: defaults', () => {
  it('runs a proxy whose file does not say enabled', () => {
    assert.equal(validProxy().enabled, true);
    assert.equal(validProxy({ enabled: false }).enabled, false);
  });

  it('fills every block from the schema defaults', () => {
    const config = validProxy();
    assert.deepEqual(config.balancing, { algorithm: 'round-robin', stickySessions: false, stickyTtlMs: 3_600_000 });
    assert.deepEqual(config.draining, { enabled: true, timeoutMs: 30_000 });
    assert.deepEqual(config.tls, { passthrough: true, sniRouting: false });
    assert.deepEqual(config.acl, { enabled: true, defaultAction: 'allow', rules: [], closeExistingOnDeny: true });
    assert.deepEqual(config.metadata, { tags: [], owner: '' });
    assert.equal(config.description, '');
    assert.equal(config.l7.enabled, false);
    assert.equal(config.rateLimits.tcpPpsPerIp, 0);
    assert.equal(config.bandwidth.enabled, false);
  });

  it('reads sticky_ttl as seconds or as a duration', () => {
    assert.equal(validProxy({ load_balancing: { sticky_ttl: 600 } }).balancing.stickyTtlMs, 600_000);
    assert.equal(validProxy({ load_balancing: { sticky_ttl: '1h30m' } }).balancing.stickyTtlMs, 5_400_000);
  });
});

describe('proxy resolution: inheriting global.yaml', () => {
  const global = globalConfig(`defaults:
  upstream_connect_timeout: 4s
  upstream_read_timeout: 40s
  client_read_timeout: 20s
  health_check_interval: 15s
  health_check_timeout: 4s
  health_check_failures_before_eject: 5
  udp_session_timeout: 90s
  udp_max_sessions: 1234
logging:
  level: warn
network:
  tcp_nodelay: false
acl:
  enabled: true
  rules:
    - {action: deny, cidr: 192.168.0.0/16}
`);

  it('inherits every timeout left out', () => {
    assert.deepEqual(validProxy({}, global).timeouts, {
      upstreamConnectMs: 4_000,
      upstreamReadMs: 40_000,
      upstreamWriteMs: 30_000,
      clientReadMs: 20_000,
      clientWriteMs: 30_000,
      udpSessionMs: 90_000,
    });
  });

  it('lets the proxy override single timeouts', () => {
    const timeouts = validProxy({ timeouts: { upstream_connect: '1s', udp_session_timeout: 30 } }, global).timeouts;
    assert.equal(timeouts.upstreamConnectMs, 1_000);
    assert.equal(timeouts.udpSessionMs, 30_000);
    assert.equal(timeouts.clientReadMs, 20_000);
  });

  it('reads an explicit 0 read or write timeout as no timeout', () => {
    const timeouts = validProxy({ timeouts: { upstream_read: 0, upstream_write: '0s', client_read: 0, client_write: 0 } }, global).timeouts;
    assert.equal(timeouts.upstreamReadMs, 0);
    assert.equal(timeouts.upstreamWriteMs, 0);
    assert.equal(timeouts.clientReadMs, 0);
    assert.equal(timeouts.clientWriteMs, 0);
  });

  it('inherits health check fields one by one', () => {
    assert.deepEqual(validProxy({ load_balancing: { health_check: { interval: '30s', passes_before_readmit: 4 } } }, global).health, {
      intervalMs: 30_000,
      timeoutMs: 4_000,
      failuresBeforeEject: 5,
      passesBeforeReadmit: 4,
    });
  });

  it('inherits or overrides the UDP session cap', () => {
    assert.equal(validProxy({}, global).udpMaxSessions, 1234);
    assert.equal(validProxy({ udp_max_sessions: 50 }, global).udpMaxSessions, 50);
  });

  it('inherits the log level unless the proxy sets one', () => {
    assert.equal(validProxy({}, global).logging.level, 'warn');
    assert.equal(validProxy({ logging: { level: 'debug', log_connections: true } }, global).logging.level, 'debug');
  });

  it('copies the network block and the global ACL', () => {
    const config = validProxy({}, global);
    assert.equal(config.network.tcpNodelay, false);
    assert.deepEqual(config.globalAcl, { enabled: true, defaultAction: 'allow', rules: [{ action: 'deny', cidr: '192.168.0.0/16', comment: '' }], closeExistingOnDeny: true });
  });
});

describe('proxy resolution: l7_protection', () => {
  it('parses custom rule bytes and converts durations', () => {
    const l7 = validProxy({
      l7_protection: {
        enabled: true,
        connection_cycling: { enabled: true, window: '10s', ban_duration: 60 },
        payload_inspection: { enabled: true, mode: 'custom', custom_rules: [{ name: 'hs', match_offset: 2, match_bytes: '0x0F,0x10', action: 'allow' }] },
      },
    }).l7;
    assert.deepEqual(l7.payloadInspection.customRules, [{ name: 'hs', matchOffset: 2, matchBytes: [0x0f, 0x10], action: 'allow' }]);
    assert.equal(l7.connectionCycling.windowMs, 10_000);
    assert.equal(l7.connectionCycling.banDurationMs, 60_000);
    assert.equal(l7.slowConnection.handshakeTimeoutMs, 5_000);
  });

  it('lists the operator\'s scores first, then the built-in score of every other event', () => {
    const rules = validProxy({ l7_protection: { behavioral_scoring: { score_rules: [{ event: 'invalid_protocol', score: 50 }] } } }).l7.behavioralScoring.scoreRules;
    assert.deepEqual(rules[0], { event: 'invalid_protocol', score: 50 });
    assert.equal(rules.filter((rule) => rule.event === 'invalid_protocol').length, 1);
    assert.deepEqual(rules.find((rule) => rule.event === 'handshake_timeout'), { event: 'handshake_timeout', score: 20 });
    assert.equal(rules.length, 8);
  });
});
