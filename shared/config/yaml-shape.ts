// The shape limits checked on YAML's concrete syntax tree, before the document is composed:
// composing recurses once per nesting level, checks duplicate keys pairwise, and expands
// aliases, so depth, mapping sizes and aliases must be known to be sane first. The tree is
// walked with an explicit stack, so any nesting depth is safe here.
import type { CST } from 'yaml';
import { LIMIT_MESSAGES, type DocumentLimits } from './document-limits.js';

/** The source offset where the document breaks a limit, and how. */
export interface TokenProblem {
  offset: number;
  message: string;
}

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

function isMapping(token: Collection): boolean {
  return token.type === 'block-map' || (token.type === 'flow-collection' && token.start.type === 'flow-map-start');
}

function collectionProblem(token: Collection, depth: number, limits: DocumentLimits): string | undefined {
  if (depth >= limits.maxDepth) return `the document ${LIMIT_MESSAGES.depth(limits)}`;
  if (isMapping(token)) return token.items.length > limits.maxKeys ? `this mapping ${LIMIT_MESSAGES.keys(limits)}` : undefined;
  return token.items.length > limits.maxItems ? `this list ${LIMIT_MESSAGES.items(limits)}` : undefined;
}

/** The first limit the parsed tokens break, or undefined. */
export function checkYamlTokens(tokens: readonly CST.Token[], limits: DocumentLimits): TokenProblem | undefined {
  const stack: { token: CST.Token; depth: number }[] = [];
  for (const token of tokens) if (token.type === 'document' && token.value !== undefined) stack.push({ token: token.value, depth: 0 });
  let nodes = 0;
  let aliases = 0;
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (++nodes > limits.maxNodes) return { offset: token.offset, message: `the document ${LIMIT_MESSAGES.nodes(limits)}` };
    if (token.type === 'alias') {
      if (++aliases > limits.maxAliases) return { offset: token.offset, message: `the document ${LIMIT_MESSAGES.aliases(limits)}` };
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const problem = collectionProblem(token, depth, limits);
    if (problem !== undefined) return { offset: token.offset, message: problem };
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}
