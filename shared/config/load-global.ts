// global.yaml: YAML → schema (defaults filled) → checks → resolved `GlobalConfig`. Every problem
// of the file comes back at once; `config` is set only when there is none.
import { CheckContext } from './check-context.js';
import type { ConfigIssue } from './errors.js';
import type { Filled } from './filled.js';
import { checkGlobal } from './global-checks.js';
import { resolveGlobal } from './resolve-global.js';
import type { GlobalConfig } from './resolved-types.js';
import { GlobalFileSchema, type GlobalFile } from './schema-global.js';
import { validateAgainstSchema } from './validator.js';
import { parseYamlMapping, readConfigText } from './yaml-source.js';

export interface GlobalParseResult {
  config?: GlobalConfig;
  issues: ConfigIssue[];
  /** Problems that do not stop the file from loading, such as an unknown time zone (UTC is used). */
  warnings: ConfigIssue[];
}

/** `file` names the file in issues and anchors its relative paths (metrics.sqlite_path, logging.file_path). */
export function parseGlobalConfig(text: string, file: string): GlobalParseResult {
  const yaml = parseYamlMapping(text, file);
  if (yaml.value === undefined) return { issues: yaml.issues, warnings: [] };
  return checkGlobalValue(yaml.value, file);
}

/** global.yaml's content as a value (already within DOCUMENT_LIMITS): checked like the file. */
export function checkGlobalValue(value: Record<string, unknown>, file: string): GlobalParseResult {
  const schema = validateAgainstSchema(GlobalFileSchema, value, file);
  const global = schema.data as Filled<GlobalFile>;
  const ctx = new CheckContext(file, schema.issues);
  checkGlobal(global, ctx);
  const issues = [...schema.issues, ...ctx.issues];
  if (issues.length > 0) return { issues, warnings: ctx.warnings };
  return { config: resolveGlobal(global, file), issues, warnings: ctx.warnings };
}

export function loadGlobalConfigFile(path: string): GlobalParseResult {
  const read = readConfigText(path);
  return 'issue' in read ? { issues: [read.issue], warnings: [] } : parseGlobalConfig(read.text, path);
}
