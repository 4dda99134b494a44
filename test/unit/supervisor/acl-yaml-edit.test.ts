import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { aclRuleCount, insertAclRule, removeAclRules, replaceAclRules, setAclSettings } from '../../../supervisor/config/acl-yaml-edit.js';
import { rewriteFile } from '../../../supervisor/config/yaml-file-writer.js';
import { editSectionText } from '../../../supervisor/config/yaml-section-writer.js';
import type { Document } from 'yaml';

const editYamlSection = (file: string, key: string, edit: (doc: Document) => void): Promise<{ text: string }> => rewriteFile(file, (text) => editSectionText(text, file, key, edit), (edited) => edited.text);

const OPERATOR_FILE = `# game proxy, edited by hand
name: "p"                      # aligned comment
origin-port: "25565"
dest-ip: "10.0.0.5"
tags: ["eu", "main"]           # flow list, kept as written

acl:
  default_action: "allow"      # blacklist
  rules:
    # known abusers
    - action: "deny"
      cidr: "5.6.7.0/24"       # range
      comment: "scanner"

logging:
  level: "info"                # keep
`;

function tempFile(t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-acl-yaml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, text);
  return file;
}

/** Lines of `text` outside its `acl:` section. */
function outsideAcl(text: string): string {
  return text.replace(/^acl:\n(?:(?: .*)?\n)*/m, '');
}

test('adding a rule rewrites only the acl section; the rest of the file stays byte for byte', async (t) => {
  const file = tempFile(t, OPERATOR_FILE);
  await editYamlSection(file, 'acl', (doc) => insertAclRule(doc, { action: 'deny', cidr: '127.0.0.2', comment: 'flood' }));
  const text = readFileSync(file, 'utf8');
  assert.equal(outsideAcl(text), outsideAcl(OPERATOR_FILE));
  assert.ok(text.includes('# known abusers') && text.includes('# blacklist') && text.includes('# range'), 'comments inside the section are kept');
  assert.deepEqual(YAML.parse(text).acl.rules, [
    { action: 'deny', cidr: '5.6.7.0/24', comment: 'scanner' },
    { action: 'deny', cidr: '127.0.0.2', comment: 'flood' },
  ]);
  assert.match(text, /- action: "deny"\n {6}cidr: "127\.0\.0\.2"\n {6}comment: "flood"/, 'new values are quoted like the operator\'s');
});

test('a missing acl block is created at the end, the rest untouched', async (t) => {
  const original = 'name: "p"          # x\ntags: ["a"]\n';
  const file = tempFile(t, original);
  await editYamlSection(file, 'acl', (doc) => {
    setAclSettings(doc, { default_action: 'deny' });
    insertAclRule(doc, { action: 'allow', cidr: '10.0.0.0/8', comment: '' });
  });
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith(original));
  assert.deepEqual(YAML.parse(text).acl, { default_action: 'deny', rules: [{ action: 'allow', cidr: '10.0.0.0/8' }] });
});

test('an empty or inline acl block becomes a block list', () => {
  for (const source of ['acl:\n', 'acl: {}\n', 'acl:\n  rules: []\n', 'acl:\n  # nothing yet\n']) {
    const doc = YAML.parseDocument(source);
    insertAclRule(doc, { action: 'deny', cidr: '1.2.3.4', comment: '' });
    assert.deepEqual(doc.toJS().acl.rules, [{ action: 'deny', cidr: '1.2.3.4' }], source);
    assert.match(doc.toString(), /rules:\n {4}- action: "deny"/, source);
  }
});

test('insert at a position, count, remove by canonical cidr, replace', () => {
  const doc = YAML.parseDocument(OPERATOR_FILE);
  assert.equal(aclRuleCount(doc), 1);
  assert.equal(insertAclRule(doc, { action: 'allow', cidr: '5.6.7.8', comment: '' }, 0), 0);
  assert.equal(insertAclRule(doc, { action: 'deny', cidr: '5.6.7.8/32', comment: '' }), 2);
  assert.equal(aclRuleCount(doc), 3);
  assert.equal(removeAclRules(doc, '5.6.7.8/32'), 2, 'a bare IP and its /32 are the same rule');
  assert.equal(removeAclRules(doc, '9.9.9.9/32'), 0);
  assert.deepEqual(doc.toJS().acl.rules.map((r: { cidr: string }) => r.cidr), ['5.6.7.0/24']);
  replaceAclRules(doc, []);
  assert.deepEqual(doc.toJS().acl.rules, []);
  assert.ok(doc.toString().includes('# blacklist'));
});

test('settings keep the comment and quoting of an existing value', () => {
  const doc = YAML.parseDocument(OPERATOR_FILE);
  setAclSettings(doc, { default_action: 'deny', enabled: false, close_existing_on_deny: false });
  const text = doc.toString();
  assert.match(text, /default_action: "deny" # blacklist/);
  assert.deepEqual({ ...doc.toJS().acl, rules: undefined }, { default_action: 'deny', enabled: false, close_existing_on_deny: false, rules: undefined });
});

test('an edit that throws writes nothing', async (t) => {
  const file = tempFile(t, OPERATOR_FILE);
  await assert.rejects(editYamlSection(file, 'acl', () => {
    throw new Error('refused');
  }), /refused/);
  assert.equal(readFileSync(file, 'utf8'), OPERATOR_FILE);
});
