import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AclAction, AclConfig } from '../../../shared/config/resolved-types.js';
import { AclGate } from '../../../shared/acl/acl-gate.js';
import { emptyAclCounts } from '../../../shared/acl/acl-counts.js';

function acl(defaultAction: AclAction, rules: [AclAction, string][] = [], options: Partial<AclConfig> = {}): AclConfig {
  return { enabled: true, defaultAction, rules: rules.map(([action, cidr]) => ({ action, cidr, comment: '' })), closeExistingOnDeny: true, ...options };
}

const OFF = acl('allow', [], { enabled: false });

test('no gate when neither ACL could refuse anyone', () => {
  assert.equal(AclGate.compile(OFF, OFF), null);
  assert.equal(AclGate.compile(acl('allow'), acl('allow')), null, 'enabled but empty allow-all ACLs cost nothing');
  assert.equal(AclGate.compile(acl('deny', [], { enabled: false }), OFF), null);
  assert.notEqual(AclGate.compile(OFF, acl('deny')), null);
  assert.notEqual(AclGate.compile(acl('allow', [['deny', '1.2.3.4']]), OFF), null);
});

test('a global deny wins over a proxy allow', () => {
  const gate = AclGate.compile(acl('allow', [['deny', '10.0.0.0/8']]), acl('deny', [['allow', '10.1.0.0/16']]))!;
  assert.equal(gate.allows('10.1.2.3'), false);
  assert.equal(gate.allows('192.168.1.1'), false, 'the proxy whitelist still applies after a global allow');
});

test('a global allow does not bypass the proxy ACL', () => {
  const gate = AclGate.compile(acl('allow', [['allow', '1.2.3.4']]), acl('allow', [['deny', '1.2.3.0/24']]))!;
  assert.equal(gate.allows('1.2.3.4'), false);
  assert.equal(gate.allows('1.2.4.4'), true);
});

test('whitelist mode in the global ACL alone', () => {
  const gate = AclGate.compile(acl('deny', [['allow', '127.0.0.1'], ['allow', '::1']]), OFF)!;
  assert.equal(gate.allows('127.0.0.1'), true);
  assert.equal(gate.allows('::ffff:127.0.0.1'), true);
  assert.equal(gate.allows('::1'), true);
  assert.equal(gate.allows('127.0.0.2'), false);
});

test('counts decisions per layer and hits per rule, keyed by action and canonical CIDR', () => {
  const gate = AclGate.compile(acl('allow', [['deny', '10.0.0.0/8'], ['allow', '10.1.2.3']]), acl('deny', [['allow', '192.168.0.0/16']]))!;
  gate.allows('10.9.9.9');
  gate.allows('10.9.9.8');
  gate.allows('192.168.1.1');
  gate.allows('8.8.8.8');
  const counts = emptyAclCounts();
  gate.drainCounts(counts);
  assert.deepEqual(counts.global, { allowed: 2, denied: 2, ruleHits: { 'deny 10.0.0.0/8': 2 } });
  assert.deepEqual(counts.proxy, { allowed: 1, denied: 1, ruleHits: { 'allow 192.168.0.0/16': 1 } });
  const again = emptyAclCounts();
  gate.drainCounts(again);
  assert.deepEqual(again, emptyAclCounts(), 'a drain starts the counts again from zero');
});

test('closesExisting follows close_existing_on_deny of the layer that denies, and counts nothing', () => {
  const closing = AclGate.compile(acl('allow', [['deny', '10.0.0.0/8']]), acl('allow', [['deny', '172.16.0.0/12']], { closeExistingOnDeny: false }))!;
  assert.equal(closing.closesExisting('10.1.1.1'), true);
  assert.equal(closing.closesExisting('172.16.1.1'), false, 'the proxy ACL denies it but keeps existing connections');
  assert.equal(closing.closesExisting('8.8.8.8'), false);
  const keeping = AclGate.compile(acl('allow', [['deny', '10.0.0.0/8']], { closeExistingOnDeny: false }), acl('allow', [['deny', '10.0.0.0/8']]))!;
  assert.equal(keeping.closesExisting('10.1.1.1'), true, 'any denying layer that asks for it closes the connection');
  const counts = emptyAclCounts();
  closing.drainCounts(counts);
  assert.deepEqual(counts, emptyAclCounts());
});
