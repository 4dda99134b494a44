import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGlobalConfigFile } from '../../../shared/config/load-global.js';
import { globalConfig, lines, onlyIssue, parseGlobal } from './config-fixtures.js';

describe('global.yaml defaults', () => {
  it('fills every block from its defaults', () => {
    const config = globalConfig();
    assert.equal(config.api.enabled, false);
    assert.equal(config.api.bind, '127.0.0.1:9000');
    assert.equal(config.api.maxBodyBytes, 1_048_576);
    assert.deepEqual(config.api.corsOrigins, []);
    assert.equal(config.timezone, 'UTC');
    assert.deepEqual(config.metrics.formats, ['json', 'prometheus', 'influx', 'csv']);
    assert.equal(config.defaults.upstreamConnectMs, 5_000);
    assert.equal(config.defaults.healthCheckTimeoutMs, 3_000);
    assert.equal(config.defaults.udpSessionMs, 60_000);
    assert.equal(config.defaults.udpMaxSessions, 20_000);
    assert.equal(config.iptables.chainPrefix, 'ROUTEX');
    assert.deepEqual(config.acl, { enabled: false, defaultAction: 'allow', rules: [], closeExistingOnDeny: true });
    assert.equal(config.logging.level, 'info');
  });

  it('accepts a partial block and fills the rest of it', () => {
    const config = globalConfig('metrics:\n  enabled: true\n');
    assert.equal(config.metrics.enabled, true);
    assert.equal(config.metrics.retentionHours, 168);
    assert.equal(config.metrics.flushIntervalSeconds, 10);
  });

  it('treats a block whose lines are all commented out as empty', () => {
    const config = globalConfig('metrics:\n  # enabled: true\ntimezone: UTC\n');
    assert.equal(config.metrics.enabled, false);
  });

  it('resolves relative paths against the folder of global.yaml', () => {
    const config = globalConfig('metrics:\n  sqlite_path: ./data/m.db\nlogging:\n  file_path: logs/routex.log\n');
    assert.equal(config.metrics.sqlitePath, '/etc/routex/data/m.db');
    assert.equal(config.logging.filePath, '/etc/routex/logs/routex.log');
    assert.equal(globalConfig('metrics:\n  sqlite_path: /var/lib/routex.db\n').metrics.sqlitePath, '/var/lib/routex.db');
  });

  it('reads durations and bare seconds in defaults', () => {
    const config = globalConfig('defaults:\n  upstream_connect_timeout: 1m30s\n  client_read_timeout: 0\n  udp_session_timeout: 45\n');
    assert.equal(config.defaults.upstreamConnectMs, 90_000);
    assert.equal(config.defaults.clientReadMs, 0);
    assert.equal(config.defaults.udpSessionMs, 45_000);
  });
});

describe('global.yaml api block', () => {
  it('splits bind into host and port', () => {
    const config = globalConfig('api:\n  bind: "[::1]:9443"\n');
    assert.equal(config.api.host, '::1');
    assert.equal(config.api.port, 9443);
  });

  it('refuses a bind that is not an IP or localhost with a port', () => {
    assert.equal(onlyIssue(parseGlobal('api:\n  bind: "example.com:9000"\n')), 'api.bind: host "example.com" must be an IP address or "localhost" (IPv6 goes in brackets: "[::1]:9000")');
    assert.equal(onlyIssue(parseGlobal('api:\n  bind: "127.0.0.1:70000"\n')), 'api.bind: port 70000 is out of range 1-65535');
  });

  it('needs a key when the API is enabled', () => {
    assert.equal(onlyIssue(parseGlobal('api:\n  enabled: true\n')), 'api.api_keys: at least one key is required when api.enabled is true');
  });

  it('checks each key, label and permission', () => {
    const result = parseGlobal(`api:
  enabled: true
  api_keys:
    - key: "k1"
      label: ""
      permissions: ["metrics:read", "proxies:write"]
    - key: "  "
      label: "b"
      permissions: []
`);
    assert.deepEqual(lines(result.issues), [
      'api.api_keys[0].label: must not be empty',
      'api.api_keys[0].permissions[1]: must be one of: *, proxies:read, metrics:read (did you mean "proxies:read"?)',
      'api.api_keys[1].key: must not be empty',
      'api.api_keys[1].permissions: must not be empty',
    ]);
  });

  it('refuses the same key twice', () => {
    const yaml = 'api:\n  api_keys:\n    - {key: a, label: x, permissions: ["*"]}\n    - {key: a, label: y, permissions: ["*"]}\n';
    assert.equal(onlyIssue(parseGlobal(yaml)), 'api.api_keys[1].key: is the same key as api.api_keys[0]; each key must be unique');
  });

  it('needs cert and key when TLS is enabled', () => {
    assert.deepEqual(lines(parseGlobal('api:\n  tls:\n    enabled: true\n').issues), [
      'api.tls.cert: is required when api.tls.enabled is true',
      'api.tls.key: is required when api.tls.enabled is true',
    ]);
  });

  it('accepts CORS origins and refuses URLs with a path', () => {
    assert.deepEqual(globalConfig('api:\n  cors_origins: ["https://dash.example.com", "http://localhost:3000"]\n').api.corsOrigins, ['https://dash.example.com', 'http://localhost:3000']);
    assert.equal(onlyIssue(parseGlobal('api:\n  cors_origins: ["https://dash.example.com/"]\n')), 'api.cors_origins[0]: "https://dash.example.com/" is not an origin like "https://dash.example.com" (scheme, host and optional port, no path) or "*"');
  });
});

describe('global.yaml timezone', () => {
  it('falls back to UTC with a warning for an unknown zone', () => {
    const result = parseGlobal('timezone: "Mars/Olympus"\n');
    assert.deepEqual(result.issues, []);
    assert.equal(result.config?.timezone, 'UTC');
    assert.deepEqual(lines(result.warnings), ['timezone: unknown time zone "Mars/Olympus", using UTC (write an IANA name like "Europe/London")']);
  });

  it('keeps a valid zone in its canonical spelling', () => {
    const result = parseGlobal('timezone: "europe/london"\n');
    assert.deepEqual(result.warnings, []);
    assert.equal(result.config?.timezone, 'Europe/London');
  });
});

describe('global.yaml metrics, defaults, acl, logging', () => {
  it('needs positive metrics values when metrics are enabled', () => {
    assert.deepEqual(lines(parseGlobal('metrics:\n  enabled: true\n  retention_hours: 0\n  formats: []\n').issues), [
      'metrics.retention_hours: must be more than 0 when metrics are enabled',
      'metrics.formats: must list at least one of json, prometheus, influx, csv when metrics are enabled',
    ]);
    assert.deepEqual(parseGlobal('metrics:\n  enabled: false\n  retention_hours: 0\n').issues, []);
  });

  it('refuses an unknown metrics format', () => {
    assert.equal(onlyIssue(parseGlobal('metrics:\n  formats: [json, xml]\n')), 'metrics.formats[1]: must be one of: json, prometheus, influx, csv');
  });

  it('needs the health check timeout below the interval', () => {
    assert.equal(
      onlyIssue(parseGlobal('defaults:\n  health_check_interval: 2s\n  health_check_timeout: 2s\n')),
      'defaults.health_check_timeout: must be less than defaults.health_check_interval (2s is not less than 2s)',
    );
  });

  it('needs at least 1 for probe thresholds and more than 0 for the connect timeout', () => {
    assert.deepEqual(lines(parseGlobal('defaults:\n  health_check_failures_before_eject: 0\n  health_check_passes_before_readmit: 0\n  upstream_connect_timeout: 0\n').issues), [
      'defaults.health_check_failures_before_eject: must be 1 or more',
      'defaults.health_check_passes_before_readmit: must be 1 or more',
      'defaults.upstream_connect_timeout: must be more than 0',
    ]);
  });

  it('checks global ACL rules', () => {
    const result = parseGlobal('acl:\n  rules:\n    - {action: block, cidr: 10.0.0.0/8}\n    - {action: deny, cidr: 1.2.3.4/33}\n    - {action: deny, cidr: "::1/129"}\n');
    assert.deepEqual(lines(result.issues), [
      'acl.rules[0].action: must be one of: allow, deny',
      'acl.rules[1].cidr: invalid prefix length "/33" in "1.2.3.4/33": must be 0-32 for IPv4',
      'acl.rules[2].cidr: invalid prefix length "/129" in "::1/129": must be 0-128 for IPv6',
    ]);
  });

  it('resolves global ACL rules with an empty comment by default', () => {
    const config = globalConfig('acl:\n  enabled: true\n  default_action: deny\n  rules:\n    - {action: allow, cidr: 192.168.0.0/16}\n');
    assert.deepEqual(config.acl, { enabled: true, defaultAction: 'deny', rules: [{ action: 'allow', cidr: '192.168.0.0/16', comment: '' }], closeExistingOnDeny: true });
  });

  it('reads close_existing_on_deny (on unless said otherwise)', () => {
    assert.equal(globalConfig('acl:\n  close_existing_on_deny: false\n').acl.closeExistingOnDeny, false);
    assert.equal(onlyIssue(parseGlobal('acl:\n  close_existing_on_deny: "no"\n')), 'acl.close_existing_on_deny: must be true or false (write false, not "no")');
  });

  it('suggests the lowercase spelling of a keyword', () => {
    assert.equal(onlyIssue(parseGlobal('logging:\n  level: INFO\n')), 'logging.level: must be one of: debug, info, warn, error (did you mean "info"?)');
  });

  it('needs a file path when logging to a file', () => {
    assert.equal(onlyIssue(parseGlobal('logging:\n  output: file\n  file_path: "  "\n')), 'logging.file_path: is required when logging.output is file');
  });

  it('gives a key left empty its default', () => {
    assert.equal(globalConfig('logging:\n  output: file\n  file_path: ""\n').logging.filePath, '/etc/routex/routex.log');
  });
});

describe('loadGlobalConfigFile', () => {
  it('reports a missing file as an issue of that file', () => {
    const result = loadGlobalConfigFile('/nonexistent/routex/global.yaml');
    assert.equal(result.config, undefined);
    assert.equal(result.issues.length, 1);
    assert.equal(result.issues[0]?.file, '/nonexistent/routex/global.yaml');
    assert.match(result.issues[0]?.message ?? '', /^cannot read the file: ENOENT/);
  });
});
