// Limits on the shape of a config document (a proxy file, global.yaml, an API body), checked
// before anything whose cost grows faster than the input or whose recursion follows its nesting:
// schema validation, structured cloning, YAML composition, YAML output. Real configs stay far
// below them (a proxy file nests about 5 levels; an ACL of 25,000 rules is one list).
import { childPath } from './config-path.js';

export interface DocumentLimits {
  /** Nesting of mappings and lists. */
  maxDepth: number;
  /** Keys in one mapping. */
  maxKeys: number;
  /** Items in one list. */
  maxItems: number;
  /** Values in the whole document, counting each use of a YAML alias again. */
  maxNodes: number;
  /** YAML aliases (`*name`) in one document. */
  maxAliases: number;
}

export const DOCUMENT_LIMITS: Readonly<DocumentLimits> = {
  maxDepth: 32,
  maxKeys: 1000,
  maxItems: 100_000,
  maxNodes: 1_000_000,
  maxAliases: 100,
};

/** The largest config file read; bigger ones are refused unread. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/** Where a document breaks a limit, and which. */
export interface ShapeProblem {
  path: string;
  message: string;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
}

function pathOf(frame: Frame | undefined): string {
  const keys: (string | number)[] = [];
  for (let f = frame; f !== undefined && f.parent !== undefined; f = f.parent) keys.push(f.key);
  return keys.reverse().reduce<string>((path, key) => childPath(path, key), '');
}

export const LIMIT_MESSAGES = {
  depth: (limits: DocumentLimits): string => `nests deeper than ${limits.maxDepth} levels`,
  keys: (limits: DocumentLimits): string => `has more than ${limits.maxKeys} keys`,
  items: (limits: DocumentLimits): string => `has more than ${limits.maxItems} items`,
  nodes: (limits: DocumentLimits): string => `has more than ${limits.maxNodes} values in all`,
  aliases: (limits: DocumentLimits): string => `uses more than ${limits.maxAliases} aliases`,
};

/**
 * The first limit `value` breaks, or undefined. Walks with an explicit stack (no recursion, so
 * no stack overflow at any depth) and stops at the first problem, so it costs at most
 * `maxNodes` steps whatever the input.
 */
export function checkValueShape(value: unknown, limits: DocumentLimits = DOCUMENT_LIMITS): ShapeProblem | undefined {
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (++nodes > limits.maxNodes) return { path: '', message: `the document ${LIMIT_MESSAGES.nodes(limits)}` };
    const current = frame.value;
    if (typeof current !== 'object' || current === null) continue;
    if (frame.depth >= limits.maxDepth) return { path: pathOf(frame), message: LIMIT_MESSAGES.depth(limits) };
    if (Array.isArray(current)) {
      if (current.length > limits.maxItems) return { path: pathOf(frame), message: LIMIT_MESSAGES.items(limits) };
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth: frame.depth + 1, parent: frame, key: i });
      continue;
    }
    let keys = 0;
    for (const key in current) {
      if (!Object.hasOwn(current, key)) continue;
      if (++keys > limits.maxKeys) return { path: pathOf(frame), message: LIMIT_MESSAGES.keys(limits) };
      stack.push({ value: (current as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
    }
  }
  return undefined;
}
