import { isDeepStrictEqual } from 'node:util';
import YAML, { isMap, isScalar, Scalar, YAMLMap, type Document, type Pair } from 'yaml';
import { parseYamlDocument } from '../../shared/config/yaml-source.js';
import { parseForEdit } from './yaml-file-writer.js';

export interface EditedText {
  text: string;
  /** The text read back as a mapping, when that was done already (so it need not be parsed again). */
  value?: Record<string, unknown>;
}

/**
 * Edits one top-level section of a YAML file's text (such as `acl:`) and rewrites only that
 * section's lines: the rest of the file stays byte for byte as the operator wrote it, aligned
 * comments and inline lists included (re-printing the whole document would normalise their
 * spacing). The edited section itself keeps its comments through the `yaml` Document API. If the
 * spliced text would not read back as exactly the edited document, the whole document is printed
 * instead. `edit` may throw to abort; throws UneditableFileError for a text that is no mapping.
 */
export function editSectionText(original: string, file: string, key: string, edit: (doc: Document) => void): EditedText {
  const doc = parseForEdit(original, file);
  const range = sectionRange(doc, key);
  edit(doc);
  return spliceSection(original, doc, key, range) ?? { text: doc.toString() };
}

function topLevelPair(doc: Document, key: string): Pair | undefined {
  if (!isMap(doc.contents)) return undefined;
  // Keys read from the file are Scalar nodes; a key the edit just added may be a plain string.
  return doc.contents.items.find((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === key);
}

/** Where the section starts (its key) and ends (after its value's last line and comments). */
function sectionRange(doc: Document, key: string): [number, number] | null | undefined {
  if (!isMap(doc.contents)) return undefined;
  const pair = topLevelPair(doc, key);
  if (pair === undefined) return null;
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
  if (keyRange == null || valueRange == null) return undefined;
  return [keyRange[0], valueRange[2]];
}

/** The section as its own small document: the key line and the value, nothing before it. */
function renderSection(doc: Document, key: string): string | undefined {
  const pair = topLevelPair(doc, key);
  if (pair === undefined) return undefined;
  const keyNode = isScalar(pair.key) ? pair.key.clone() : new Scalar(key);
  keyNode.commentBefore = undefined;
  keyNode.spaceBefore = false;
  const section = new YAML.Document();
  const map = new YAMLMap();
  map.items.push(section.createPair(keyNode, pair.value));
  section.contents = map;
  return section.toString();
}

/** `range`: null when the section was absent (it is appended), undefined when it cannot be located. */
function spliceSection(original: string, doc: Document, key: string, range: [number, number] | null | undefined): EditedText | undefined {
  if (range === undefined) return undefined;
  const section = renderSection(doc, key);
  if (section === undefined) return undefined;
  let text: string;
  if (range === null) {
    const body = original.endsWith('\n') || original === '' ? original : `${original}\n`;
    text = `${body}\n${section}`;
  } else {
    const [start, end] = range;
    // A section ending mid-line (`acl: {}`) leaves its line break in the tail: do not double it.
    const tail = original[end - 1] !== '\n' && original[end] === '\n' ? original.slice(end + 1) : original.slice(end);
    text = original.slice(0, start) + section + tail;
  }
  const check = parseYamlDocument(text, '');
  try {
    return check.value !== undefined && isDeepStrictEqual(check.value, doc.toJS({ maxAliasCount: 100 })) ? { text, value: check.value } : undefined;
  } catch {
    return undefined;
  }
}
