// Reads the text of a config file into a plain object, turning every problem into an issue that
// names the line and column: YAML syntax, a repeated key, a document past the shape limits.
// Nothing here throws on any input, and its cost grows with the size of the text, not faster.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, type CST, type Document, type Node, type YAMLError } from 'yaml';
import { checkValueShape, DOCUMENT_LIMITS, MAX_CONFIG_FILE_BYTES, type DocumentLimits } from './document-limits.js';
import type { ConfigIssue } from './errors.js';
import { checkYamlTokens } from './yaml-shape.js';

export interface YamlMapping {
  value?: Record<string, unknown>;
  issues: ConfigIssue[];
}

/** Syntax errors reported per document; past this many the rest are noise from the first. */
const MAX_SYNTAX_ERRORS = 10;

interface Located {
  offset: number;
  message: string;
}

export interface YamlDocument extends YamlMapping {
  /** The composed document (comments and layout kept), when the text is a valid mapping. */
  doc?: Document.Parsed;
}

export function parseYamlMapping(text: string, file: string, limits: DocumentLimits = DOCUMENT_LIMITS): YamlMapping {
  const { value, issues } = parseYamlDocument(text, file, limits);
  return { value, issues };
}

/** The text as a YAML document and as a plain mapping, or the issues that stop it being one. */
export function parseYamlDocument(text: string, file: string, limits: DocumentLimits = DOCUMENT_LIMITS): YamlDocument {
  const lines = new LineCounter();
  const tokens: CST.Token[] = [...new Parser(lines.addNewLine).parse(text)];
  const at = (problem: Located, prefix: string): ConfigIssue => ({ file, path: '', message: `${prefix}${position(lines, problem.offset)}: ${problem.message}` });
  const tooComplex = checkYamlTokens(tokens, limits);
  if (tooComplex !== undefined) return { issues: [at(tooComplex, 'YAML document too complex')] };
  // uniqueKeys off: the library compares every key with every other; duplicateKeys() is linear.
  const [doc, second] = new Composer({ uniqueKeys: false }).compose(tokens, true, text.length);
  const syntax = syntaxProblems(doc!, second);
  if (syntax.length > 0) return { issues: syntax.slice(0, MAX_SYNTAX_ERRORS).map((p) => at(p, 'YAML syntax error')) };
  let value: unknown;
  try {
    value = doc!.toJS({ maxAliasCount: limits.maxAliases });
  } catch (error) {
    return { issues: [{ file, path: '', message: `YAML aliases expand too far: ${(error as Error).message}` }] };
  }
  const shape = checkValueShape(value, limits);
  if (shape !== undefined) return { issues: [{ file, path: shape.path, message: `once its aliases are expanded, ${shape.path === '' ? 'the document' : 'this'} ${shape.message.replace(/^the document /, '')}` }] };
  if (value === null || value === undefined) {
    return { issues: [{ file, path: '', message: 'the file is empty: it must be a YAML mapping of keys to values' }] };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a single ${typeof value}`;
    return { issues: [{ file, path: '', message: `the file must be a YAML mapping of keys to values, not ${found}` }] };
  }
  return { doc, value: value as Record<string, unknown>, issues: [] };
}

function position(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(Math.max(0, offset));
  return ` at line ${line}, column ${col}`;
}

/** The document's syntax problems, in source order: errors, warnings, repeated keys, a second document. */
function syntaxProblems(doc: Document.Parsed, second: Document.Parsed | undefined): Located[] {
  const problems: Located[] = [...doc.errors, ...doc.warnings].map(describeYamlError);
  problems.push(...duplicateKeys(doc));
  if (second !== undefined) problems.push({ offset: second.range[0], message: 'only one YAML document per file is allowed (remove the "---")' });
  return problems.sort((a, b) => a.offset - b.offset);
}

function describeYamlError(error: YAMLError): Located {
  return { offset: error.pos[0], message: error.message.split('\n')[0] ?? error.message };
}

/** A key written twice in one mapping, found with one set per mapping (walked without recursion). */
function duplicateKeys(doc: Document.Parsed): Located[] {
  const found: Located[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0 && found.length < MAX_SYNTAX_ERRORS) {
    const node = stack.pop();
    if (isSeq(node)) stack.push(...(node.items as unknown[]));
    if (!isMap(node)) continue;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (isScalar(key)) {
        if (seen.has(key.value)) found.push({ offset: key.range?.[0] ?? 0, message: 'Map keys must be unique' });
        seen.add(key.value);
      }
      stack.push(pair.value);
    }
  }
  return found;
}

/** Decodes a config file's bytes: UTF-8 only (a leading BOM is dropped), and text, not binary. */
export function decodeConfigBytes(bytes: Uint8Array, file: string): { text: string } | { issue: ConfigIssue } {
  const refuse = (message: string): { issue: ConfigIssue } => ({ issue: { file, path: '', message } });
  if (bytes.length > MAX_CONFIG_FILE_BYTES) return refuse(tooLarge(bytes.length));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return refuse(`the file is not UTF-8 text (invalid byte sequence near byte ${firstInvalidUtf8(bytes)})`);
  }
  const control = /[\u0000-\u0008\u000e-\u001f\u007f]/.exec(text);
  if (control !== null) return refuse(`the file is not text: it holds the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at character ${control.index}`);
  return { text };
}

/** Where UTF-8 decoding fails: a hint for the operator (overlong forms are not looked for). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    const follow = lead < 0x80 ? 0 : lead >= 0xc2 && lead < 0xe0 ? 1 : lead >= 0xe0 && lead < 0xf0 ? 2 : lead >= 0xf0 && lead < 0xf5 ? 3 : -1;
    if (follow < 0) return i;
    for (let k = 1; k <= follow; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += follow + 1;
  }
  return bytes.length;
}

/**
 * Opens without blocking (a FIFO named like a config file must not hang the reader), refuses
 * anything but a regular file and anything past the size limit before reading it.
 */
export function readConfigBytes(path: string): { bytes: Buffer } | { issue: ConfigIssue } {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    const refused = refuseUnreadable(path, stat);
    if (refused !== undefined) return { issue: refused };
    return { bytes: readFileSync(fd) };
  } catch (error) {
    return { issue: { file: path, path: '', message: `cannot read the file: ${(error as Error).message}` } };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why a file is not read at all: not a regular file, or too large. */
export function refuseUnreadable(path: string, stat: { isFile(): boolean; size: number }): ConfigIssue | undefined {
  if (!stat.isFile()) return { file: path, path: '', message: 'not a regular file' };
  if (stat.size > MAX_CONFIG_FILE_BYTES) return { file: path, path: '', message: tooLarge(stat.size) };
  return undefined;
}

function tooLarge(size: number): string {
  return `the file is ${size} bytes, more than the ${MAX_CONFIG_FILE_BYTES} a config file may have`;
}

/** A config file's text, or the issue saying why it could not be read. Sync: `routex check` and start-up. */
export function readConfigText(path: string): { text: string } | { issue: ConfigIssue } {
  const read = readConfigBytes(path);
  return 'issue' in read ? read : decodeConfigBytes(read.bytes, path);
}
