import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGlobalConfig } from '../../../shared/config/load-global.js';
import { runAclEdit, runDocumentEdit } from '../../../supervisor/config/file-edit-jobs.js';
import { ConfigChecker } from '../../../supervisor/config/config-checker.js';

const global = parseGlobalConfig('timezone: UTC\n', 'global.yaml').config!;
const PROXY = `# operator comment
name: p
origin-ip: "127.0.0.1"
origin-port: 25565
dest-ip: "10.0.0.1"    # the backend
dest-port: 35565
protocol: tcp
acl:
  rules:
    - { action: deny, cidr: "10.0.0.0/8" }
`;
const job = (edit: Parameters<typeof runAclEdit>[0]['edit'], text = PROXY) => ({ kind: 'acl-edit' as const, file: 'p.yaml', text, edit, global });

test('an ACL edit comes back as the new text and the ACL it loads as, the rest of the file kept', () => {
  const added = runAclEdit(job({ op: 'insert', rule: { action: 'allow', cidr: '10.1.0.0/16', comment: '' }, position: 0 }));
  assert.equal(added.outcome, 'edited');
  if (added.outcome !== 'edited') return;
  assert.equal(added.index, 0);
  assert.deepEqual(added.acl.rules.map((r) => `${r.action} ${r.cidr}`), ['allow 10.1.0.0/16', 'deny 10.0.0.0/8']);
  assert.ok(added.text.startsWith('# operator comment\nname: p\n') && added.text.includes('dest-ip: "10.0.0.1"    # the backend'), added.text);

  const removed = runAclEdit(job({ op: 'remove', canonicalCidr: '10.0.0.0/8' }));
  assert.deepEqual(removed.outcome === 'edited' && [removed.removed, removed.acl.rules.length], [1, 0]);
  const settings = runAclEdit(job({ op: 'settings', settings: { default_action: 'deny' } }));
  assert.equal(settings.outcome === 'edited' && settings.acl.defaultAction, 'deny');
  const replaced = runAclEdit(job({ op: 'replace', rules: [{ action: 'deny', cidr: '192.0.2.0/24', comment: 'x' }] }));
  assert.deepEqual(replaced.outcome === 'edited' && replaced.acl.rules.map((r) => r.cidr), ['192.0.2.0/24']);
});

test('an ACL edit that changes nothing, goes past the end, meets a broken file or would make it too large is refused with the reason', () => {
  assert.deepEqual(runAclEdit(job({ op: 'remove', canonicalCidr: '192.0.2.1/32' })), { outcome: 'unchanged' });
  assert.deepEqual(runAclEdit(job({ op: 'insert', rule: { action: 'deny', cidr: '192.0.2.1', comment: '' }, position: 2 })), { outcome: 'bad-position', count: 1 });
  const uneditable = runAclEdit(job({ op: 'settings', settings: { enabled: true } }, 'name: [unclosed\n'));
  assert.equal(uneditable.outcome, 'uneditable');
  const invalid = runAclEdit(job({ op: 'settings', settings: { enabled: true } }, PROXY.replace('protocol: tcp', 'protocol: sctp')));
  assert.ok(invalid.outcome === 'invalid' && invalid.issues.some((i) => i.path === 'protocol'), JSON.stringify(invalid));
  const nearTheLimit = `# ${'x'.repeat(4 * 1024 * 1024 - PROXY.length - 10)}\n${PROXY}`;
  const tooLarge = runAclEdit(job({ op: 'insert', rule: { action: 'deny', cidr: '192.0.2.1', comment: '' } }, nearTheLimit));
  assert.ok(tooLarge.outcome === 'too-large' && tooLarge.bytes > 4 * 1024 * 1024, JSON.stringify(tooLarge).slice(0, 200));
  const globalEdit = runAclEdit({ kind: 'acl-edit', file: 'global.yaml', text: 'timezone: UTC\n', edit: { op: 'settings', settings: { enabled: true } } });
  assert.equal(globalEdit.outcome === 'edited' && globalEdit.text, 'timezone: UTC\n\nacl:\n  enabled: true\n');
});

test('a document edit keeps the comments of what stays; a file that is no YAML mapping is uneditable', () => {
  const disabled = runDocumentEdit({ kind: 'document-edit', file: 'p.yaml', text: PROXY, edit: { op: 'set-enabled', enabled: false } });
  assert.ok(disabled.outcome === 'edited' && disabled.text.includes('# operator comment') && disabled.text.endsWith('enabled: false\n'), JSON.stringify(disabled));
  const replaced = runDocumentEdit({ kind: 'document-edit', file: 'p.yaml', text: PROXY, edit: { op: 'replace', value: { name: 'p', 'dest-ip': '10.0.0.1', protocol: 'udp' } } });
  assert.equal(replaced.outcome === 'edited' && replaced.text, '# operator comment\nname: p\ndest-ip: "10.0.0.1" # the backend\nprotocol: udp\n');
  assert.equal(runDocumentEdit({ kind: 'document-edit', file: 'p.yaml', text: '- a list\n', edit: { op: 'set-enabled', enabled: true } }).outcome, 'uneditable');
});

test('edits run on the config-check thread and come back the same as inline', async (t) => {
  const checker = new ConfigChecker();
  t.after(() => checker.close());
  const edit = job({ op: 'insert', rule: { action: 'deny', cidr: '192.0.2.0/24', comment: 'c' } });
  assert.deepEqual(await checker.check(edit), runAclEdit(edit));
  const disable = { kind: 'document-edit' as const, file: 'p.yaml', text: PROXY, edit: { op: 'set-enabled' as const, enabled: false } };
  assert.deepEqual(await checker.check(disable), runDocumentEdit(disable));
});
