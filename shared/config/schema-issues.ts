// Turns ajv's errors into one readable line per problem: `unknown key "algoritm" (did you mean
// "algorithm"?)`, `must be one of: tcp, udp, tcp-udp`, `port 0 is out of range 1-65535`.
import type { ErrorObject } from 'ajv';
import { childPath, pointerToPath } from './config-path.js';
import type { ConfigIssue } from './errors.js';
import { CONFIG_FORMATS } from './formats.js';
import { didYouMean } from './suggest.js';

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys to values',
  null: 'empty',
};

/** Problems listed one by one; past this many, one more line counts the rest. */
export const MAX_LISTED_ISSUES = 200;

/** One issue per path (the first ajv reports: a wrong type makes the enum error after it noise). */
export function translateAjvErrors(errors: readonly ErrorObject[], data: unknown, file: string): ConfigIssue[] {
  const byPath = new Map<string, ConfigIssue>();
  let more = 0;
  for (const error of errors) {
    if (byPath.size >= MAX_LISTED_ISSUES) {
      more++;
      continue;
    }
    const described = describe(error, pointerToPath(error.instancePath, data));
    if (!byPath.has(described.path)) byPath.set(described.path, { file, ...described });
  }
  const issues = [...byPath.values()];
  if (more > 0) issues.push({ file, path: '', message: `and ${more} more problems like these` });
  return issues;
}

function describe(error: ErrorObject, path: string): { path: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
      return { path: childPath(path, key), message: `unknown key "${key}"${didYouMean(key, known)}` };
    }
    case 'required':
      return { path: childPath(path, String(params['missingProperty'])), message: 'is required' };
    default:
      return { path, message: describeValue(error, params) };
  }
}

function describeValue(error: ErrorObject, params: Record<string, unknown>): string {
  const format = CONFIG_FORMATS[String(error.parentSchema?.['format'] ?? '')];
  if (format !== undefined) {
    if (error.keyword === 'type' && format.expected !== undefined) return format.expected;
    const value = error.data;
    const reason = typeof value === 'string' || typeof value === 'number' ? format.check(value) : undefined;
    if (reason !== undefined) return reason;
  }
  switch (error.keyword) {
    case 'type':
      return describeType(String(params['type']), error.data);
    case 'enum':
      return describeEnum(params['allowedValues'] as unknown[], error.data);
    case 'minimum':
      return `must be ${String(params['limit'])} or more`;
    case 'exclusiveMinimum':
      return `must be more than ${String(params['limit'])}`;
    case 'maximum':
      return `must be ${String(params['limit'])} or less`;
    case 'minItems':
      return params['limit'] === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} items`;
    default:
      return error.message ?? `is invalid (${error.keyword})`;
  }
}

function describeType(expected: string, value: unknown): string {
  const words = `must be ${expected.split(',').map((type) => TYPE_WORDS[type] ?? type).join(' or ')}`;
  // YAML reads `name: 1234` or `owner: yes`-like values as numbers and booleans: quoting fixes it.
  const quotable = expected === 'string' && (typeof value === 'number' || typeof value === 'boolean');
  if (quotable) return `${words} (write it in quotes: "${String(value)}")`;
  // YAML 1.2 reads yes/no/on/off as text, unlike YAML 1.1 (and many older tools).
  const word = typeof value === 'string' ? BOOLEAN_WORDS[value.toLowerCase()] : undefined;
  return expected === 'boolean' && word !== undefined ? `${words} (write ${word}, not "${String(value)}")` : words;
}

const BOOLEAN_WORDS: Readonly<Record<string, string>> = { yes: 'true', on: 'true', no: 'false', off: 'false' };

function describeEnum(allowed: unknown[], value: unknown): string {
  const list = allowed.map(String);
  const hint = typeof value === 'string' ? didYouMean(value, list) : '';
  return `must be one of: ${list.join(', ')}${hint}`;
}
