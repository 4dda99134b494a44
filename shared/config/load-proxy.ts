// One proxy file: YAML → schema (defaults filled) → checks against the global defaults → resolved
// `ProxyConfig`. Every problem of the file comes back at once; `config` is set only when there is
// none. Cross-file problems (names, ports) are `checkProxySet`'s job.
import { CheckContext } from './check-context.js';
import type { ConfigIssue } from './errors.js';
import type { Filled } from './filled.js';
import { checkProxy } from './proxy-checks.js';
import { resolveProxy } from './resolve-proxy.js';
import type { GlobalConfig, ProxyConfig } from './resolved-types.js';
import { ProxyFileSchema, type ProxyFile } from './schema-proxy.js';
import { validateAgainstSchema } from './validator.js';
import { parseYamlMapping, readConfigText } from './yaml-source.js';

export interface ProxyParseResult {
  config?: ProxyConfig;
  issues: ConfigIssue[];
  /** Settings that are valid but have no effect where they are (e.g. weights without the weighted algorithm). */
  warnings: ConfigIssue[];
  /** The file's YAML as written, without defaults (for the API's config view); absent if it did not parse. */
  raw?: unknown;
}

export function parseProxyConfig(text: string, file: string, global: GlobalConfig): ProxyParseResult {
  const yaml = parseYamlMapping(text, file);
  if (yaml.value === undefined) return { issues: yaml.issues, warnings: [] };
  return checkProxyValue(yaml.value, file, global);
}

/**
 * A proxy config given as a value (an API's JSON body): checked like a file's content. Its shape
 * must already be within DOCUMENT_LIMITS (see checkValueShape).
 */
export function checkProxyValue(raw: Record<string, unknown>, file: string, global: GlobalConfig): ProxyParseResult {
  const schema = validateAgainstSchema(ProxyFileSchema, raw, file);
  const proxy = schema.data as Filled<ProxyFile>;
  const ctx = new CheckContext(file, schema.issues);
  checkProxy(proxy, global.defaults, ctx);
  if (ctx.clean('bandwidth.scope') && proxy.bandwidth.scope === 'cluster' && !global.cluster.enabled) {
    ctx.error('bandwidth.scope', 'cluster needs cluster.enabled: true in global.yaml (the usage of every node is counted in its Redis); use node, or enable the cluster');
  }
  const issues = [...schema.issues, ...ctx.issues];
  if (issues.length > 0) return { issues, warnings: ctx.warnings, raw };
  return { config: resolveProxy(proxy, global, file), issues, warnings: ctx.warnings, raw };
}

export function loadProxyConfigFile(path: string, global: GlobalConfig): ProxyParseResult {
  const read = readConfigText(path);
  return 'issue' in read ? { issues: [read.issue], warnings: [] } : parseProxyConfig(read.text, path, global);
}
