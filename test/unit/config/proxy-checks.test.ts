import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globalConfig, lines, onlyIssue, parseProxy } from './config-fixtures.js';

describe('proxy checks: addresses and ports', () => {
  it('needs equal port counts in one-to-one mode and says both', () => {
    assert.equal(
      onlyIssue(parseProxy({ 'one-to-one': true, 'origin-port': '25565:25567', 'dest-port': '35565,35566' })),
      'one-to-one: needs as many dest ports as origin ports, but origin-port has 3 and dest-port has 2',
    );
  });

  it('allows different port counts in fan-out mode', () => {
    assert.deepEqual(parseProxy({ 'origin-port': '25565:25567', 'dest-port': 35565 }).issues, []);
  });

  it('refuses ports out of range and inverted ranges with the path', () => {
    assert.deepEqual(lines(parseProxy({ 'origin-port': 0, 'dest-port': '35575:35565' }).issues), [
      'origin-port: port 0 is out of range 1-65535',
      'dest-port: invalid port range "35575:35565": low must be less than high',
    ]);
    assert.equal(onlyIssue(parseProxy({ 'origin-port': 65536 })), 'origin-port: port 65536 is out of range 1-65535');
    assert.equal(onlyIssue(parseProxy({ 'origin-port': true })), 'origin-port: must be a port like 25565, a range like "25565:25575" or a list like "25565,27015:27020"');
  });

  it('refuses an origin list mixing a wildcard with addresses it already covers', () => {
    assert.equal(onlyIssue(parseProxy({ 'origin-ip': '0.0.0.0, 10.0.0.5' })), 'origin-ip: "0.0.0.0" already listens on every IPv4 address, 10.0.0.5 included: list one or the other');
    assert.equal(onlyIssue(parseProxy({ 'origin-ip': '::, 0.0.0.0' })), 'origin-ip: "::" already listens on every IPv4 and IPv6 address: list it alone');
    assert.deepEqual(parseProxy({ 'origin-ip': '0.0.0.0, ::1' }).issues, []);
  });

  it('refuses more listeners than max_listeners, naming origin-port and the count', () => {
    assert.equal(
      onlyIssue(parseProxy({ 'origin-port': '20000:21500' })),
      'origin-port: opens 1501 listeners (1 origin IP × 1501 ports × 1 protocol), more than max_listeners (1000): check the range for a typo, or raise max_listeners to at least 1501',
    );
    assert.deepEqual(parseProxy({ 'origin-port': '20000:21500', max_listeners: 2000 }).issues, []);
  });

  it('counts listeners as origin IPs × ports × protocols', () => {
    const issue = onlyIssue(parseProxy({ 'origin-ip': '127.0.0.1, 127.0.0.2', 'origin-port': '20000:20250', protocol: 'tcp-udp' }));
    assert.match(issue, /^origin-port: opens 1004 listeners \(2 origin IPs × 251 ports × 2 protocols\)/);
    assert.deepEqual(parseProxy({ 'origin-ip': '127.0.0.1, 127.0.0.2', 'origin-port': '20000:20249', protocol: 'tcp-udp' }).issues, []);
    assert.match(onlyIssue(parseProxy({ max_listeners: 0 })), /^max_listeners: /);
  });

  it('refuses a wildcard address as an upstream', () => {
    assert.equal(onlyIssue(parseProxy({ 'dest-ip': '10.0.0.1, 0.0.0.0' })), 'dest-ip: "0.0.0.0" means "any address" and cannot be an upstream: write the upstream\'s own IP');
  });

  it('names the bad address in an IP list', () => {
    assert.equal(onlyIssue(parseProxy({ 'dest-ip': '10.0.0.1, backend-2' })), 'dest-ip: "backend-2" is not an IPv4 or IPv6 address');
    assert.equal(onlyIssue(parseProxy({ 'dest-ip': ['10.0.0.1'] })), 'dest-ip: must be a comma-separated string of IP addresses, like "10.0.0.1, 10.0.0.2"');
  });
});

describe('proxy checks: load balancing', () => {
  const twoDests = { 'dest-ip': '10.0.0.1, 10.0.0.2', 'dest-port': '35565:35566', load_balancing: { algorithm: 'weighted' } };

  it('refuses a weight key that is not a dest IP', () => {
    const result = parseProxy({ ...twoDests, load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.9': 2 } } });
    assert.equal(onlyIssue(result), 'load_balancing.upstream_weights["10.0.0.9"]: 10.0.0.9 is not one of the dest-ip addresses (10.0.0.1, 10.0.0.2)');
  });

  it('refuses an ip:port weight key whose port is not a dest port', () => {
    const result = parseProxy({ ...twoDests, load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.1:9999': 2 } } });
    assert.equal(onlyIssue(result), 'load_balancing.upstream_weights["10.0.0.1:9999"]: port 9999 is not one of the dest-port ports, so "10.0.0.1:9999" is not an upstream');
  });

  it('refuses a weight key that is not an address', () => {
    const result = parseProxy({ ...twoDests, load_balancing: { algorithm: 'weighted', upstream_weights: { 'backend-1': 2 } } });
    assert.equal(onlyIssue(result), 'load_balancing.upstream_weights.backend-1: "backend-1" is not a dest IP or ip:port (like "10.0.0.1" or "10.0.0.1:35565")');
  });

  it('refuses weights below 1 and fractional weights', () => {
    const result = parseProxy({ ...twoDests, load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.1': 0, '10.0.0.2': 1.5 } } });
    assert.deepEqual(lines(result.issues), [
      'load_balancing.upstream_weights["10.0.0.1"]: must be 1 or more',
      'load_balancing.upstream_weights["10.0.0.2"]: must be a whole number',
    ]);
  });

  it('accepts the weighted algorithm without any weights', () => {
    assert.deepEqual(parseProxy(twoDests).issues, []);
  });

  it('warns that weights do nothing without the weighted algorithm', () => {
    const result = parseProxy({ load_balancing: { algorithm: 'least-conn', upstream_weights: { '10.0.0.1': 3 } } });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(lines(result.warnings), ['load_balancing.upstream_weights: only the weighted algorithm uses weights, and this proxy uses least-conn']);
  });

  it('needs a sticky TTL above 0 when sticky sessions are on', () => {
    assert.equal(onlyIssue(parseProxy({ load_balancing: { sticky_sessions: true, sticky_ttl: 0 } })), 'load_balancing.sticky_ttl: must be more than 0 when sticky_sessions is true');
  });
});

describe('proxy checks: health checks and timeouts', () => {
  it('needs the health check timeout below the interval', () => {
    assert.equal(
      onlyIssue(parseProxy({ load_balancing: { health_check: { interval: '5s', timeout: '5s' } } })),
      'load_balancing.health_check.timeout: the health check timeout must be less than its interval, but 5s is not less than 5s',
    );
  });

  it('compares an overridden interval with the inherited timeout', () => {
    assert.equal(
      onlyIssue(parseProxy({ load_balancing: { health_check: { interval: '2s' } } })),
      'load_balancing.health_check.interval: the health check timeout must be less than its interval, but 3s (defaults.health_check_timeout) is not less than 2s',
    );
  });

  it('needs at least 1 for probe thresholds', () => {
    assert.equal(onlyIssue(parseProxy({ load_balancing: { health_check: { failures_before_eject: 0 } } })), 'load_balancing.health_check.failures_before_eject: must be 1 or more');
  });

  it('refuses an explicit 0 connect timeout and says how to inherit', () => {
    assert.equal(onlyIssue(parseProxy({ timeouts: { upstream_connect: 0 } })), 'timeouts.upstream_connect: must be more than 0 (leave it out to inherit defaults.upstream_connect_timeout, 5s)');
    assert.equal(onlyIssue(parseProxy({ timeouts: { udp_session_timeout: '0s' } })), 'timeouts.udp_session_timeout: must be more than 0 (leave it out to inherit defaults.udp_session_timeout, 1m)');
  });

  it('refuses a malformed duration with the reason', () => {
    assert.equal(onlyIssue(parseProxy({ timeouts: { client_read: '30 seconds' } })), 'timeouts.client_read: invalid duration "30 seconds": unknown unit " seconds" (use ns, us, ms, s, m or h)');
    assert.equal(onlyIssue(parseProxy({ timeouts: { client_read: -5 } })), 'timeouts.client_read: must not be negative (got -5)');
  });

  it('refuses udp_max_sessions below 1', () => {
    assert.equal(onlyIssue(parseProxy({ udp_max_sessions: 0 })), 'udp_max_sessions: must be 1 or more');
  });
});

describe('proxy checks: rate limits, ACL, bandwidth', () => {
  it('keeps every rate limit within its range', () => {
    const result = parseProxy({ rate_limits: { tcp_pps_per_ip: -1, max_ttl: 256, max_packet_size: 70000, udp_max_payload: 65536 } });
    assert.deepEqual(lines(result.issues), [
      'rate_limits.tcp_pps_per_ip: must be 0 or more',
      'rate_limits.max_ttl: must be 255 or less',
      'rate_limits.max_packet_size: must be 65535 or less',
      'rate_limits.udp_max_payload: must be 65535 or less',
    ]);
  });

  it('needs each minimum below its maximum when both are set', () => {
    const result = parseProxy({ protocol: 'tcp-udp', rate_limits: { min_ttl: 64, max_ttl: 32, min_packet_size: 100, max_packet_size: 100, udp_min_payload: 10, udp_max_payload: 0 } });
    assert.deepEqual(lines(result.issues), [
      'rate_limits.min_ttl: must be less than rate_limits.max_ttl (64 is not less than 32)',
      'rate_limits.min_packet_size: must be less than rate_limits.max_packet_size (100 is not less than 100)',
    ]);
  });

  it('warns about TCP-only limits on a UDP proxy', () => {
    const result = parseProxy({ protocol: 'udp', rate_limits: { tcp_syn_rate_per_ip: 10, udp_pps_per_ip: 100 } });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(lines(result.warnings), ['rate_limits.tcp_syn_rate_per_ip: has no effect on a udp proxy']);
  });

  it('checks proxy ACL rules', () => {
    const result = parseProxy({ acl: { default_action: 'reject', rules: [{ action: 'deny', cidr: '10.0.0.0/8' }, { action: 'deny', cidr: '10.0.0.0/33' }, { action: 'allow' }] } });
    assert.deepEqual(lines(result.issues), [
      'acl.default_action: must be one of: allow, deny',
      'acl.rules[1].cidr: invalid prefix length "/33" in "10.0.0.0/33": must be 0-32 for IPv4',
      'acl.rules[2].cidr: is required',
    ]);
  });

  it('needs whole, non-negative byte limits', () => {
    assert.deepEqual(lines(parseProxy({ bandwidth: { enabled: true, daily_limit: -1, monthly_limit: 1.5 } }).issues), [
      'bandwidth.daily_limit: must be 0 or more',
      'bandwidth.monthly_limit: must be a whole number',
    ]);
  });

  it('warns that limits do nothing while bandwidth is disabled', () => {
    assert.deepEqual(lines(parseProxy({ bandwidth: { hourly_limit: 1000 } }).warnings), ['bandwidth.enabled: is false, so the bandwidth limits are not applied']);
  });

  it('reads tls.sni_routing as routing by SNI, and warns when no route is listed', () => {
    const result = parseProxy({ tls: { sni_routing: true } });
    assert.equal(result.config?.routing.by, 'tls-sni');
    assert.deepEqual(lines(result.warnings), ['routes: none are listed while routing.by is tls-sni, so every connection goes to the top-level dest-ip/dest-port']);
  });
});

describe('proxy checks: l7_protection', () => {
  const global = globalConfig();

  it('checks custom inspection rules, each problem at its own path', () => {
    const result = parseProxy({
      l7_protection: {
        payload_inspection: {
          mode: 'custom',
          custom_rules: [
            { name: 'ok', match_bytes: '0x0F,0x10', action: 'allow' },
            { name: '', match_offset: -1, match_bytes: '0x0F,16', action: 'block' },
            { name: 'n', match_bytes: 15, action: 'drop' },
          ],
        },
      },
    }, global);
    assert.deepEqual(lines(result.issues), [
      'l7_protection.payload_inspection.custom_rules[1].name: must not be empty',
      'l7_protection.payload_inspection.custom_rules[1].match_offset: must be 0 or more',
      'l7_protection.payload_inspection.custom_rules[1].match_bytes: byte 2 "16" must be 0x followed by one or two hex digits, like 0x0F',
      'l7_protection.payload_inspection.custom_rules[1].action: must be one of: allow, drop',
      'l7_protection.payload_inspection.custom_rules[2].match_bytes: must be a quoted string of hex bytes, like "0x0F,0x10"',
    ]);
  });

  it('checks the ranges of every enabled part', () => {
    const result = parseProxy({
      l7_protection: {
        enabled: true,
        slow_connection: { enabled: true, min_bytes_in_first: 0, handshake_timeout: 0 },
        payload_rate_limit: { enabled: true, max_bytes_per_sec_per_ip: 1000, burst_multiplier: 0.5 },
        connection_cycling: { enabled: true, window: 0, max_conns_in_window: 0, ban_duration: '0s' },
        amplification: { enabled: true, max_response_to_request_ratio: 0, window: 0 },
        behavioral_scoring: { enabled: true, score_window: 0, ban_threshold: 0, ban_duration: 0 },
      },
    }, global);
    assert.deepEqual(lines(result.issues), [
      'l7_protection.slow_connection.min_bytes_in_first: must be 1 or more when l7_protection.slow_connection is enabled',
      'l7_protection.slow_connection.handshake_timeout: must be more than 0 when l7_protection.slow_connection is enabled',
      'l7_protection.payload_rate_limit.burst_multiplier: must be 1 or more when l7_protection.payload_rate_limit is enabled',
      'l7_protection.connection_cycling.window: must be more than 0 when l7_protection.connection_cycling is enabled',
      'l7_protection.connection_cycling.max_conns_in_window: must be 1 or more when l7_protection.connection_cycling is enabled',
      'l7_protection.connection_cycling.ban_duration: must be more than 0 when l7_protection.connection_cycling is enabled',
      'l7_protection.amplification.max_response_to_request_ratio: must be more than 0 when l7_protection.amplification is enabled',
      'l7_protection.amplification.window: must be more than 0 when l7_protection.amplification is enabled',
      'l7_protection.behavioral_scoring.score_window: must be more than 0 when l7_protection.behavioral_scoring is enabled',
      'l7_protection.behavioral_scoring.ban_threshold: must be 1 or more when l7_protection.behavioral_scoring is enabled',
      'l7_protection.behavioral_scoring.ban_duration: must be more than 0 when l7_protection.behavioral_scoring is enabled',
    ]);
  });

  it('does not check the ranges of parts that will not run', () => {
    const parts = { connection_cycling: { enabled: true, window: 0 }, amplification: { enabled: false, window: 0 } };
    assert.deepEqual(parseProxy({ l7_protection: { enabled: false, ...parts } }, global).issues, []);
    assert.deepEqual(lines(parseProxy({ l7_protection: { enabled: true, ...parts } }, global).issues), [
      'l7_protection.connection_cycling.window: must be more than 0 when l7_protection.connection_cycling is enabled',
    ]);
  });

  it('refuses an unknown score event and one scored twice', () => {
    const rules = [{ event: 'handshake_timout', score: 5 }, { event: 'invalid_protocol', score: 1 }, { event: 'invalid_protocol', score: 2 }];
    assert.deepEqual(lines(parseProxy({ l7_protection: { behavioral_scoring: { score_rules: rules } } }, global).issues), [
      'l7_protection.behavioral_scoring.score_rules[0].event: must be one of: payload_too_small, payload_too_large, handshake_timeout, slow_receive_rate, invalid_protocol, payload_rate_exceeded, connection_cycling, amplification_detected (did you mean "handshake_timeout"?)',
      'l7_protection.behavioral_scoring.score_rules[2].event: "invalid_protocol" is already scored by score_rules[1]',
    ]);
  });

  it('warns about custom rules outside custom mode', () => {
    const inspection = { enabled: true, mode: 'gmod', custom_rules: [{ name: 'r', match_bytes: '0xFF', action: 'drop' }] };
    assert.deepEqual(lines(parseProxy({ l7_protection: { enabled: true, payload_inspection: inspection } }, global).warnings), [
      'l7_protection.payload_inspection.custom_rules: are only used when mode is custom (mode is gmod)',
    ]);
  });

  it('warns that minecraft-bedrock leaves the TCP listeners of a tcp or tcp-udp proxy unchecked', () => {
    const l7 = { enabled: true, payload_inspection: { enabled: true, mode: 'minecraft-bedrock' } };
    assert.deepEqual(lines(parseProxy({ protocol: 'tcp-udp', l7_protection: l7 }, global).warnings), [
      'l7_protection.payload_inspection.mode: minecraft-bedrock checks UDP only (Bedrock has no TCP): the TCP listeners of this tcp-udp proxy are not inspected',
    ]);
    assert.deepEqual(parseProxy({ protocol: 'udp', l7_protection: l7 }, global).warnings, []);
  });
});

describe('proxy checks: tls', () => {
  it('refuses tls.passthrough: false, since RouteX never terminates TLS', () => {
    assert.equal(
      onlyIssue(parseProxy({ tls: { passthrough: false } })),
      'tls.passthrough: RouteX does not terminate TLS; encrypted bytes are always passed through, so this must be true',
    );
    assert.deepEqual(parseProxy({ tls: { passthrough: true } }).issues, []);
  });
});
