// Edits of the `acl:` block of a YAML document (global.yaml or a proxy file), through the `yaml`
// Document API so everything the edit does not touch — comments, key order, quoting, other
// rules — stays as the operator wrote it. A missing or empty `acl:` block is created.
import { isMap, isScalar, isSeq, Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';
import type { AclRule } from '../../shared/config/resolved-types.js';
import { canonicalCidr } from '../../shared/acl/acl-target.js';

export interface AclSettings {
  enabled?: boolean;
  default_action?: string;
  close_existing_on_deny?: boolean;
}

function quoted(value: string): Scalar<string> {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function ruleNode(rule: AclRule): YAMLMap {
  const node = new YAMLMap();
  node.set('action', quoted(rule.action));
  node.set('cidr', quoted(rule.cidr));
  if (rule.comment !== '') node.set('comment', quoted(rule.comment));
  return node;
}

/** The `acl:` mapping, created (or put in place of an empty value) when there is none. */
function aclBlock(doc: Document): YAMLMap {
  const current = doc.get('acl', true);
  if (isMap(current)) {
    if (current.items.length === 0) current.flow = false;
    return current;
  }
  const block = new YAMLMap();
  doc.set('acl', block);
  return block;
}

/** The `acl.rules` list, created when missing; an inline `[]` becomes a block list. */
function rulesList(doc: Document): YAMLSeq {
  const block = aclBlock(doc);
  const current = block.get('rules', true);
  if (isSeq(current)) {
    current.flow = false;
    return current;
  }
  const list = new YAMLSeq();
  block.set('rules', list);
  return list;
}

function cidrOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const cidr = item.get('cidr');
  return typeof cidr === 'string' ? canonicalCidr(cidr) : undefined;
}

/** How many rules `acl.rules` lists now. */
export function aclRuleCount(doc: Document): number {
  const acl = doc.get('acl', true);
  const rules = isMap(acl) ? acl.get('rules', true) : undefined;
  return isSeq(rules) ? rules.items.length : 0;
}

/** Inserts `rule` before index `position` (clamped), or appends it; returns where it went. */
export function insertAclRule(doc: Document, rule: AclRule, position?: number): number {
  const list = rulesList(doc);
  const at = position === undefined ? list.items.length : Math.min(position, list.items.length);
  list.items.splice(at, 0, ruleNode(rule));
  return at;
}

/** Removes every rule whose cidr is `canonical` (see `canonicalCidr`); returns how many. */
export function removeAclRules(doc: Document, canonical: string): number {
  const current = aclBlock(doc).get('rules', true);
  if (!isSeq(current)) return 0;
  const before = current.items.length;
  current.items = current.items.filter((item) => cidrOf(item) !== canonical);
  return before - current.items.length;
}

/** Makes `acl.rules` exactly `rules`; the `rules:` key keeps its comments. */
export function replaceAclRules(doc: Document, rules: AclRule[]): void {
  rulesList(doc).items = rules.map(ruleNode);
}

/** Sets the given settings; an existing value keeps its comment and quoting. */
export function setAclSettings(doc: Document, settings: AclSettings): void {
  const block = aclBlock(doc);
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const node = block.get(key, true);
    if (isScalar(node)) node.value = value;
    else block.set(key, typeof value === 'string' ? quoted(value) : value);
  }
}
