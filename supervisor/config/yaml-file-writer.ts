import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type YAML from 'yaml';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { parseYamlDocument } from '../../shared/config/yaml-source.js';

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

/** The file cannot be edited: it does not read as a YAML mapping within the document limits. */
export class UneditableFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`${file} is not valid YAML: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** The file's document for editing, read with the same limits and checks as when it is loaded. */
export function parseForEdit(text: string, file: string): YAML.Document.Parsed {
  const parsed = parseYamlDocument(text, file);
  if (parsed.doc === undefined) throw new UneditableFileError(file, parsed.issues);
  return parsed.doc;
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
 * Rewrites a file under its lock: `transform` gets the text read now (it may run elsewhere, such
 * as on the config-check thread), and the text `written` picks from its result replaces the file;
 * undefined leaves the file alone. Returns what `transform` returned.
 */
export function rewriteFile<T>(file: string, transform: (text: string) => Promise<T> | T, written: (result: T) => string | undefined): Promise<T> {
  return withFileLock(file, async () => {
    const result = await transform(await readFile(file, 'utf8'));
    const text = written(result);
    if (text !== undefined) await writeFileAtomic(file, text);
    return result;
  });
}

/**
 * A YAML file's text edited through the `yaml` Document API, which keeps the operator's
 * comments, key order and layout for everything the edit does not touch. `edit` may throw to
 * abort. Throws UneditableFileError when the text is no YAML mapping within the limits.
 */
export function editDocumentText(text: string, file: string, edit: (doc: YAML.Document) => void): string {
  const doc = parseForEdit(text, file);
  edit(doc);
  return doc.toString();
}
