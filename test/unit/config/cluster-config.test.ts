import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { checkCluster } from '../../../shared/config/cluster-checks.js';
import { CheckContext } from '../../../shared/config/check-context.js';
import { parseRedisUrl, redactRedisUrl } from '../../../shared/config/redis-url.js';
import { globalConfig, lines, onlyIssue, parseGlobal, parseProxy, validProxy } from './config-fixtures.js';

const ENABLED = 'cluster:\n  enabled: true\n  redis:\n    url: "redis://10.0.0.5:6379/2"\n';

describe('global.yaml cluster block', () => {
  it('is off by default, with the host name as node id and routex: as key prefix', () => {
    const { cluster } = globalConfig();
    assert.equal(cluster.enabled, false);
    assert.equal(cluster.nodeId, hostname());
    assert.equal(cluster.redis.keyPrefix, 'routex:');
    assert.equal(cluster.redis.tls.enabled, false);
  });

  it('resolves files against the folder of global.yaml, and rediss:// turns TLS on', () => {
    const { cluster } = globalConfig(`cluster:
  enabled: true
  node_id: "edge-1"
  redis:
    url: "rediss://routex@10.0.0.5:6380/1"
    password_file: "secrets/redis.pass"
    tls:
      ca_file: "/etc/ssl/redis-ca.pem"
    key_prefix: "net1:"
`);
    assert.equal(cluster.nodeId, 'edge-1');
    assert.equal(cluster.redis.passwordFile, '/etc/routex/secrets/redis.pass');
    assert.deepEqual(cluster.redis.tls, { enabled: true, caFile: '/etc/ssl/redis-ca.pem', certFile: '', keyFile: '' });
    assert.equal(cluster.redis.keyPrefix, 'net1:');
  });

  it('needs a url when enabled', () => {
    assert.equal(onlyIssue(parseGlobal('cluster:\n  enabled: true\n')), 'cluster.redis.url: is required when cluster.enabled is true (like "redis://10.0.0.5:6379/0")');
    assert.deepEqual(parseGlobal(ENABLED).issues, []);
  });

  it('refuses urls that are not redis:// host urls, with the reason', () => {
    const url = (value: string) => onlyIssue(parseGlobal(`cluster:\n  redis:\n    url: "${value}"\n`));
    assert.equal(url('http://10.0.0.5'), 'cluster.redis.url: the scheme must be redis:// or rediss:// (TLS), not http://');
    assert.equal(url('redis://10.0.0.5/x'), 'cluster.redis.url: the path must be a database number like "/0", not "/x"');
    assert.equal(url('redis://10.0.0.5?tls=true'), 'cluster.redis.url: must not have a query string or fragment: set TLS and the password with their own keys');
    assert.equal(url('10.0.0.5:6379'), 'cluster.redis.url: "10.0.0.5:6379" is not a URL like "redis://10.0.0.5:6379/0"');
  });

  it('refuses bad node ids and key prefixes, and unknown keys', () => {
    assert.deepEqual(lines(parseGlobal('cluster:\n  node_id: "edge 1"\n  redis:\n    key_prefix: "a*"\n    user: x\n').issues).sort(), [
      'cluster.node_id: must be 1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit (or empty for the host name)',
      'cluster.redis.key_prefix: must be at most 64 characters: letters, digits, ":", ".", "_" or "-"',
      'cluster.redis.user: unknown key "user"',
    ].sort());
  });

  it('needs a client certificate and its key together; warns about TLS files while TLS is off', () => {
    assert.equal(onlyIssue(parseGlobal(`${ENABLED}    tls:\n      enabled: true\n      cert_file: c.pem\n`)), 'cluster.redis.tls.key_file: is required with cluster.redis.tls.cert_file (a client certificate needs its key)');
    const result = parseGlobal(`${ENABLED}    tls:\n      ca_file: ca.pem\n`);
    assert.deepEqual(lines(result.warnings), ['cluster.redis.tls.ca_file: has no effect while cluster.redis.tls.enabled is false (and the url is not rediss://)']);
  });

  it('keeps the password out of the url: a warning, or an error next to password_file', () => {
    const inUrl = parseGlobal('cluster:\n  redis:\n    url: "redis://:s3cret@10.0.0.5"\n');
    assert.deepEqual(lines(inUrl.warnings), ['cluster.redis.url: carries the password: move it to cluster.redis.password_file so global.yaml holds no secret']);
    assert.equal(onlyIssue(parseGlobal('cluster:\n  redis:\n    url: "redis://:s3cret@10.0.0.5"\n    password_file: p\n')), 'cluster.redis.url: has a password and cluster.redis.password_file is set too: keep the password in password_file only');
  });

  it('names the fix when the host name cannot be a node id', () => {
    const ctx = new CheckContext('global.yaml', []);
    const cluster = { enabled: true, node_id: '', redis: { url: 'redis://h', password_file: '', key_prefix: 'routex:', tls: { enabled: false, ca_file: '', cert_file: '', key_file: '' } } };
    checkCluster(cluster, ctx, 'a host with spaces');
    assert.deepEqual(lines(ctx.issues), ['cluster.node_id: is empty and the host name "a host with spaces" cannot be a node id (1-64 letters, digits, ".", "_" or "-"): set one']);
  });
});

describe('redis url', () => {
  it('reads host, port, db, user and password; redacts the password', () => {
    const parsed = parseRedisUrl('rediss://ops:p%40ss@[::1]:7000/3');
    assert.deepEqual(parsed, { ok: true, value: { tls: true, host: '::1', port: 7000, db: 3, username: 'ops', password: 'p@ss' } });
    assert.deepEqual(parseRedisUrl('redis://cache'), { ok: true, value: { tls: false, host: 'cache', port: 6379, db: 0, username: '', password: '' } });
    assert.equal(redactRedisUrl('redis://ops:secret@10.0.0.5:6379/0'), 'redis://ops:***@10.0.0.5:6379/0');
  });
});

describe('proxy bandwidth.scope', () => {
  it('is node by default and cluster only with a cluster', () => {
    assert.equal(validProxy().bandwidth.scope, 'node');
    assert.equal(onlyIssue(parseProxy({ bandwidth: { scope: 'cluster' } })), 'bandwidth.scope: cluster needs cluster.enabled: true in global.yaml (the usage of every node is counted in its Redis); use node, or enable the cluster');
    assert.equal(validProxy({ bandwidth: { scope: 'cluster' } }, globalConfig(ENABLED)).bandwidth.scope, 'cluster');
    assert.equal(onlyIssue(parseProxy({ bandwidth: { scope: 'global' } })), 'bandwidth.scope: must be one of: node, cluster');
  });
});
