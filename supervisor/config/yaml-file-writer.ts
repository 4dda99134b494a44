import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';

/**
 * Writes a file atomically: a temp file in the same folder, then a rename over the target, so a
 * reader (or the watcher) never sees half a file. The temp name starts with a dot and does not
 * end in .yaml, so the proxies watcher ignores it.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Runs `task` when no other task holds `file`: every read-modify-write of a config file (proxy
 * edits, ACL edits) goes through here, so two API calls never lose one another's change.
 */
export function withFileLock<T>(file: string, task: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key);
  });
  return run;
}

/**
 * Edits a YAML file in place through the `yaml` Document API, which keeps the operator's
 * comments, key order and layout for everything the edit does not touch. `edit` may throw to
 * abort; nothing is written then. Returns the new text.
 */
export function editYamlFile(file: string, edit: (doc: YAML.Document) => void): Promise<string> {
  return withFileLock(file, async () => {
    const doc = YAML.parseDocument(await readFile(file, 'utf8'));
    if (doc.errors.length > 0) throw new Error(`${file} is not valid YAML: ${doc.errors[0]!.message}`);
    edit(doc);
    const text = doc.toString();
    await writeFileAtomic(file, text);
    return text;
  });
}
