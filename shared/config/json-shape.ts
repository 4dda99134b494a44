// The document limits checked on JSON text before it is parsed: JSON.parse builds every object
// it reads (a body of 32,000 keys costs tens of milliseconds before any check could refuse it),
// while this scan only counts, in one pass without allocating.
import { LIMIT_MESSAGES, type DocumentLimits } from './document-limits.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Where (a character offset) JSON text breaks a limit, and how; undefined when it does not. */
export interface JsonShapeProblem {
  offset: number;
  message: string;
}

/**
 * Counts nesting, keys per object (one per `:`), items per array (commas + 1) and values in all,
 * skipping string contents. Malformed JSON is not this scan's business: JSON.parse reports it.
 */
export function scanJsonShape(text: string, limits: DocumentLimits): JsonShapeProblem | undefined {
  const isObject = new Uint8Array(limits.maxDepth + 1);
  const counts = new Uint32Array(limits.maxDepth + 1);
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= limits.maxDepth) return { offset: i, message: LIMIT_MESSAGES.depth(limits) };
      isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
      counts[depth] = 0;
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COLON && depth > 0 && isObject[depth - 1] === 1) {
      if (++counts[depth - 1]! > limits.maxKeys) return { offset: i, message: LIMIT_MESSAGES.keys(limits) };
    } else if (c === COMMA && depth > 0 && isObject[depth - 1] === 0) {
      // n commas separate n + 1 items.
      if (++counts[depth - 1]! >= limits.maxItems) return { offset: i, message: LIMIT_MESSAGES.items(limits) };
    } else {
      continue;
    }
    if (++values > limits.maxNodes) return { offset: i, message: LIMIT_MESSAGES.nodes(limits) };
  }
  return undefined;
}
