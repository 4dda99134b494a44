// The config checks that may take long on a large document (YAML parsing, schema validation,
// YAML output, edits of a file's text), as jobs with plain-data inputs and results, so they can
// run on a thread of their own (config-checker.ts) as well as inline (`routex check`).
import YAML from 'yaml';
import { parseGlobalConfig, type GlobalParseResult } from '../../shared/config/load-global.js';
import { checkProxyValue, parseProxyConfig, type ProxyParseResult } from '../../shared/config/load-proxy.js';
import { parseYamlMapping, type YamlMapping } from '../../shared/config/yaml-source.js';
import type { GlobalConfig } from '../../shared/config/resolved-types.js';
import { runAclEdit, runDocumentEdit, type FileEditJob, type FileEditResults } from './file-edit-jobs.js';

export type CheckJob =
  | { kind: 'proxy-text'; text: string; file: string; global: GlobalConfig }
  | { kind: 'proxy-value'; value: Record<string, unknown>; file: string; global: GlobalConfig }
  | { kind: 'global-text'; text: string; file: string }
  | { kind: 'yaml-mapping'; text: string; file: string }
  | FileEditJob;

export interface CheckResults extends FileEditResults {
  'proxy-text': ProxyParseResult;
  /** With the value as YAML text, ready to be written to a file. */
  'proxy-value': ProxyParseResult & { yaml: string };
  'global-text': GlobalParseResult;
  /** Any YAML mapping (an API body that is not a whole proxy config), within the document limits. */
  'yaml-mapping': YamlMapping;
}

export function runCheckJob<J extends CheckJob>(job: J): CheckResults[J['kind']] {
  return runJob(job) as CheckResults[J['kind']];
}

function runJob(job: CheckJob): CheckResults[CheckJob['kind']] {
  switch (job.kind) {
    case 'proxy-text':
      return parseProxyConfig(job.text, job.file, job.global);
    case 'proxy-value':
      return { ...checkProxyValue(job.value, job.file, job.global), yaml: YAML.stringify(job.value) };
    case 'global-text':
      return parseGlobalConfig(job.text, job.file);
    case 'yaml-mapping':
      return parseYamlMapping(job.text, job.file);
    case 'document-edit':
      return runDocumentEdit(job);
    case 'acl-edit':
      return runAclEdit(job);
  }
}
