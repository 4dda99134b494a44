import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type YAML from 'yaml';
import { editDocumentText, rewriteFile } from '../../../supervisor/config/yaml-file-writer.js';
import { editSectionText } from '../../../supervisor/config/yaml-section-writer.js';

/** Edits the file through the Document API, as the API's edits do (there on the config-check thread). */
const editFile = (file: string, edit: (doc: YAML.Document) => void): Promise<string> => rewriteFile(file, (text) => editDocumentText(text, file, edit), (text) => text);
const editSection = (file: string, key: string, edit: (doc: YAML.Document) => void): Promise<{ text: string }> =>
  rewriteFile(
    file,
    async (text) => {
      // Off the event loop, a transform takes a while: the lock must hold across it.
      await new Promise((resolve) => setImmediate(resolve));
      return editSectionText(text, file, key, edit);
    },
    (edited) => edited.text,
  );

test('concurrent edits of one file are serialised: none is lost, comments stay', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-yaml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, '# operator comment\nname: p\ncounter: 0\nacl:\n  rules: []\n');
  const edits = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? editFile(file, (doc) => {
          doc.set('counter', Number(doc.get('counter')) + 1);
        })
      : editSection(file, 'acl', (doc) => {
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

test('an edit that throws writes nothing; a transform that returns no text leaves the file alone', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-yaml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, 'name: p # keep\n');
  await assert.rejects(
    editFile(file, () => {
      throw new Error('refused');
    }),
    /refused/,
  );
  assert.equal(readFileSync(file, 'utf8'), 'name: p # keep\n');
  await editFile(file, (doc) => doc.set('enabled', false));
  assert.equal(readFileSync(file, 'utf8'), 'name: p # keep\nenabled: false\n');
  await rewriteFile(file, () => 'ignored', () => undefined);
  assert.equal(readFileSync(file, 'utf8'), 'name: p # keep\nenabled: false\n');
});
