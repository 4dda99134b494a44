import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editYamlFile } from '../../../supervisor/config/yaml-file-writer.js';
import { editYamlSection } from '../../../supervisor/config/yaml-section-writer.js';

test('concurrent edits of one file are serialised: none is lost, comments stay', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-yaml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, '# operator comment\nname: p\ncounter: 0\nacl:\n  rules: []\n');
  const edits = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? editYamlFile(file, (doc) => {
          doc.set('counter', Number(doc.get('counter')) + 1);
        })
      : editYamlSection(file, 'acl', (doc) => {
          const rules = doc.getIn(['acl', 'rules']) as { items: unknown[] };
          doc.setIn(['acl', 'rules', rules.items.length], { action: 'deny', cidr: `10.0.${i}.0/24` });
        }),
  );
  await Promise.all(edits);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^# operator comment/);
  assert.match(text, /counter: 10/);
  assert.equal(text.match(/action: deny/g)?.length, 10);
  assert.deepEqual(readdirSync(dir), ['p.yaml'], 'no temp files left behind');
});

test('an edit that throws writes nothing', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-yaml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, 'name: p # keep\n');
  await assert.rejects(
    editYamlFile(file, () => {
      throw new Error('refused');
    }),
    /refused/,
  );
  assert.equal(readFileSync(file, 'utf8'), 'name: p # keep\n');
  await editYamlFile(file, (doc) => doc.set('enabled', false));
  assert.equal(readFileSync(file, 'utf8'), 'name: p # keep\nenabled: false\n');
});
