// Reads the text of a config file into a plain object, turning YAML syntax problems into issues
// that name the line and column.
import { readFileSync } from 'node:fs';
import { parseDocument, type YAMLError } from 'yaml';
import type { ConfigIssue } from './errors.js';

export interface YamlMapping {
  value?: Record<string, unknown>;
  issues: ConfigIssue[];
}

export function parseYamlMapping(text: string, file: string): YamlMapping {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return { issues: problems.map((problem) => ({ file, path: '', message: describeYamlError(problem) })) };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) {
    return { issues: [{ file, path: '', message: 'the file is empty: it must be a YAML mapping of keys to values' }] };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a single ${typeof value}`;
    return { issues: [{ file, path: '', message: `the file must be a YAML mapping of keys to values, not ${found}` }] };
  }
  return { value: value as Record<string, unknown>, issues: [] };
}

function describeYamlError(error: YAMLError): string {
  // With prettyErrors the message is "<reason> at line L, column C:\n\n<excerpt>"; keep the reason.
  const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.message;
  const text = error.code === 'MULTIPLE_DOCS' ? 'only one YAML document per file is allowed (remove the "---")' : reason;
  const position = error.linePos?.[0];
  return position === undefined
    ? `YAML syntax error: ${text}`
    : `YAML syntax error at line ${position.line}, column ${position.col}: ${text}`;
}

/** A config file's text, or the issue saying why it could not be read. Sync: it runs at start and reload. */
export function readConfigText(path: string): { text: string } | { issue: ConfigIssue } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { issue: { file: path, path: '', message: `cannot read the file: ${(error as Error).message}` } };
  }
}
