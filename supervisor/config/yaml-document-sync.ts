import { isDeepStrictEqual } from 'node:util';
import YAML, { isMap, isScalar, type Document, type YAMLMap } from 'yaml';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyOf(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

/**
 * Makes the mapping `node` hold exactly `value`, touching only what differs: keys that keep
 * their value keep their node — and so the comments and layout around them. New keys are
 * appended, vanished keys removed, changed lists and scalars replaced.
 */
function syncMap(doc: Document, node: YAMLMap, value: Record<string, unknown>): void {
  for (const item of [...node.items]) {
    if (!Object.hasOwn(value, keyOf(item.key))) node.delete(item.key);
  }
  for (const [key, next] of Object.entries(value)) {
    const current = node.get(key, true);
    if (isPlainObject(next) && isMap(current)) {
      syncMap(doc, current, next);
    } else if (current !== undefined && isDeepStrictEqual(YAML.isNode(current) ? current.toJSON() : current, next)) {
      continue;
    } else if (isScalar(current) && (typeof next !== 'object' || next === null)) {
      current.value = next;
    } else {
      node.set(key, doc.createNode(next));
    }
  }
}

/** Replaces the document's content with `value`, keeping comments on everything that stays. */
export function syncDocument(doc: Document, value: Record<string, unknown>): void {
  if (!isMap(doc.contents)) {
    doc.contents = doc.createNode(value) as YAMLMap;
    return;
  }
  syncMap(doc, doc.contents, value);
}
