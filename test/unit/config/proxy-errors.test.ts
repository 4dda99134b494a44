import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProxyConfig } from '../../../shared/config/load-proxy.js';
import { formatIssue } from '../../../shared/config/errors.js';
import { globalConfig, lines, onlyIssue, parseProxy, PROXY_FILE } from './config-fixtures.js';

describe('proxy file: required keys and names', () => {
  it('names every missing required key', () => {
    const result = parseProxyConfig('name: only-a-name\n', PROXY_FILE, globalConfig());
    assert.deepEqual(lines(result.issues), [
      'origin-ip: is required',
      'origin-port: is required',
      'dest-ip: is required',
      'dest-port: is required',
      'protocol: is required',
    ]);
  });

  it('refuses a name that cannot be a file name or log field', () => {
    const rule = 'must be 1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';
    assert.equal(onlyIssue(parseProxy({ name: 'my proxy' })), `name: ${rule}`);
    assert.equal(onlyIssue(parseProxy({ name: '-dash-first' })), `name: ${rule}`);
    assert.equal(onlyIssue(parseProxy({ name: 'a'.repeat(65) })), `name: ${rule}`);
    assert.equal(onlyIssue(parseProxy({ name: '' })), `name: ${rule}`);
    assert.equal(parseProxy({ name: 'mc.eu-1_main' }).issues.length, 0);
  });

  it('formats an issue as file: path: message', () => {
    const [issue] = parseProxy({ protocol: 'sctp' }).issues;
    assert.ok(issue);
    assert.equal(formatIssue(issue), 'proxies/test.yaml: protocol: must be one of: tcp, udp, tcp-udp');
  });
});

describe('proxy file: keys and keywords', () => {
  it('refuses an unknown key and suggests the one meant', () => {
    assert.equal(onlyIssue(parseProxy({ load_balancing: { algoritm: 'random' } })), 'load_balancing.algoritm: unknown key "algoritm" (did you mean "algorithm"?)');
  });

  it('suggests origin-ip for origin_ip', () => {
    assert.deepEqual(lines(parseProxy({ 'origin-ip': undefined, origin_ip: '127.0.0.1' }).issues), [
      'origin-ip: is required',
      'origin_ip: unknown key "origin_ip" (did you mean "origin-ip"?)',
    ]);
  });

  it('refuses an unknown key with no suggestion when nothing is close', () => {
    assert.equal(onlyIssue(parseProxy({ banana: 1 })), 'banana: unknown key "banana"');
  });

  it('refuses keywords in the wrong case and suggests the lowercase one', () => {
    assert.equal(onlyIssue(parseProxy({ protocol: 'TCP' })), 'protocol: must be one of: tcp, udp, tcp-udp (did you mean "tcp"?)');
    assert.equal(
      onlyIssue(parseProxy({ load_balancing: { algorithm: 'Round-Robin' } })),
      'load_balancing.algorithm: must be one of: round-robin, least-conn, ip-hash, weighted, random (did you mean "round-robin"?)',
    );
    assert.equal(
      onlyIssue(parseProxy({ l7_protection: { payload_inspection: { mode: 'Minecraft-Java' } } })),
      'l7_protection.payload_inspection.mode: must be one of: minecraft-java, minecraft-bedrock, fivem, gmod, custom, none (did you mean "minecraft-java"?)',
    );
  });

  it('says which type a value must have', () => {
    assert.deepEqual(lines(parseProxy({ enabled: 'sure', 'one-to-one': 1, metadata: { tags: 'game' } }).issues), [
      'enabled: must be true or false',
      'metadata.tags: must be a list',
      'one-to-one: must be true or false',
    ]);
  });

  it('explains that yes and no are text in YAML 1.2', () => {
    assert.equal(onlyIssue(parseProxy({ enabled: 'yes' })), 'enabled: must be true or false (write true, not "yes")');
    assert.equal(onlyIssue(parseProxy({ 'one-to-one': 'off' })), 'one-to-one: must be true or false (write false, not "off")');
  });

  it('reports every mistake of a file at once', () => {
    const result = parseProxy({
      protocol: 'tcpp',
      'origin-port': '25565:25567',
      'dest-port': '35565:35566',
      'one-to-one': true,
      timeouts: { client_raed: '5s' },
    });
    assert.deepEqual(lines(result.issues), [
      'protocol: must be one of: tcp, udp, tcp-udp (did you mean "tcp"?)',
      'timeouts.client_raed: unknown key "client_raed" (did you mean "client_read"?)',
      'one-to-one: needs as many dest ports as origin ports, but origin-port has 3 and dest-port has 2',
    ]);
    assert.equal(result.config, undefined);
  });
});

describe('proxy file: YAML problems', () => {
  const global = globalConfig();

  it('names the line and column of a syntax error', () => {
    const result = parseProxyConfig('name: test\nprotocol: [tcp\norigin-ip: 1.2.3.4\n', PROXY_FILE, global);
    assert.equal(result.issues.length >= 1, true);
    assert.match(result.issues[0]?.message ?? '', /^YAML syntax error at line \d+, column \d+: /);
    assert.equal(result.raw, undefined);
  });

  it('names the line of a repeated key', () => {
    const result = parseProxyConfig('name: a\nname: b\n', PROXY_FILE, global);
    assert.deepEqual(lines(result.issues), [': YAML syntax error at line 2, column 1: Map keys must be unique']);
  });

  it('refuses an empty file', () => {
    assert.deepEqual(lines(parseProxyConfig('# nothing here\n', PROXY_FILE, global).issues), [': the file is empty: it must be a YAML mapping of keys to values']);
  });

  it('refuses a file that is not a mapping', () => {
    assert.deepEqual(lines(parseProxyConfig('- a\n- b\n', PROXY_FILE, global).issues), [': the file must be a YAML mapping of keys to values, not a list']);
    assert.deepEqual(lines(parseProxyConfig('just text\n', PROXY_FILE, global).issues), [': the file must be a YAML mapping of keys to values, not a single string']);
  });

  it('refuses a second YAML document', () => {
    const result = parseProxyConfig('name: a\n---\nname: b\n', PROXY_FILE, global);
    assert.deepEqual(lines(result.issues), [': YAML syntax error at line 2, column 1: only one YAML document per file is allowed (remove the "---")']);
  });

  it('returns the file as written, without defaults, even when it has problems', () => {
    const result = parseProxy({ protocol: 'TCP' });
    assert.deepEqual(result.raw, { name: 'test', 'origin-ip': '127.0.0.1', 'origin-port': 25565, 'dest-ip': '10.0.0.1', 'dest-port': 35565, protocol: 'TCP' });
  });
});
