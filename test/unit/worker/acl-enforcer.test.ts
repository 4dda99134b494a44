import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AclAction, AclConfig, ProxyConfig } from '../../../shared/config/resolved-types.js';
import { AclEnforcer, ACL_CLOSE_REASON } from '../../../proxy-worker/runtime/acl-enforcer.js';
import { Admission } from '../../../proxy-worker/runtime/admission.js';

function acl(defaultAction: AclAction, rules: [AclAction, string][], closeExistingOnDeny = true): AclConfig {
  return { enabled: true, defaultAction, rules: rules.map(([action, cidr]) => ({ action, cidr, comment: '' })), closeExistingOnDeny };
}

const NONE = acl('allow', []);

/** Only the ACL fields matter to the enforcer. */
function config(proxyAcl: AclConfig, globalAcl: AclConfig = NONE): ProxyConfig {
  return { acl: proxyAcl, globalAcl } as ProxyConfig;
}

function connection(closed: string[], id: string) {
  return { close: (reason: string) => closed.push(`${id}: ${reason}`) };
}

test('hooks the gate into admission, and unhooks it when no ACL applies', () => {
  const admission = new Admission();
  const enforcer = new AclEnforcer(admission);
  enforcer.apply(config(acl('allow', [['deny', '10.0.0.0/8']])));
  assert.equal(admission.check('10.1.1.1'), 'acl');
  assert.equal(admission.check('11.1.1.1'), null);
  enforcer.apply(config(NONE), config(acl('allow', [['deny', '10.0.0.0/8']])));
  assert.equal(admission.aclAllows, null);
});

test('an unchanged ACL is not recompiled and asks for no sweep', () => {
  const admission = new Admission();
  const enforcer = new AclEnforcer(admission);
  const first = config(acl('deny', [['allow', '1.2.3.4']]));
  enforcer.apply(first);
  const hook = admission.aclAllows;
  assert.equal(enforcer.apply(config(acl('deny', [['allow', '1.2.3.4']])), first), false);
  assert.equal(admission.aclAllows, hook);
});

test('closeDenied closes the connections of newly denied clients only', () => {
  const enforcer = new AclEnforcer(new Admission());
  enforcer.apply(config(acl('allow', [['deny', '127.0.0.2']])));
  const closed: string[] = [];
  const count = enforcer.closeDenied([
    ['127.0.0.2', connection(closed, 'a')],
    ['127.0.0.1', connection(closed, 'b')],
    ['127.0.0.2', connection(closed, 'c')],
  ]);
  assert.equal(count, 2);
  assert.deepEqual(closed, [`a: ${ACL_CLOSE_REASON}`, `c: ${ACL_CLOSE_REASON}`]);
});

test('counts survive a config change: the replaced gate\'s counts go into the next report', () => {
  const admission = new Admission();
  const enforcer = new AclEnforcer(admission);
  const before = config(acl('allow', [['deny', '10.0.0.0/8']]));
  enforcer.apply(before);
  admission.check('10.0.0.1');
  enforcer.apply(config(acl('allow', [['deny', '10.0.0.0/8'], ['deny', '11.0.0.0/8']])), before);
  admission.check('11.0.0.1');
  admission.check('12.0.0.1');
  const counts = enforcer.takeCounts();
  assert.deepEqual(counts.proxy, { allowed: 1, denied: 2, ruleHits: { 'deny 10.0.0.0/8': 1, 'deny 11.0.0.0/8': 1 } });
  assert.deepEqual(enforcer.takeCounts().proxy, { allowed: 0, denied: 0, ruleHits: {} });
});
