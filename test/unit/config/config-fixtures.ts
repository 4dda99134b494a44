// Helpers for the config tests: a global config with every default, and proxy files written as
// objects (stringified to YAML) so each test shows only the keys it is about.
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseGlobalConfig, type GlobalParseResult } from '../../../shared/config/load-global.js';
import { parseProxyConfig, type ProxyParseResult } from '../../../shared/config/load-proxy.js';
import type { ConfigIssue } from '../../../shared/config/errors.js';
import type { GlobalConfig } from '../../../shared/config/resolved-types.js';

export const GLOBAL_FILE = '/etc/routex/global.yaml';
export const PROXY_FILE = 'proxies/test.yaml';

export const MINIMAL_PROXY = {
  name: 'test',
  'origin-ip': '127.0.0.1',
  'origin-port': 25565,
  'dest-ip': '10.0.0.1',
  'dest-port': 35565,
  protocol: 'tcp',
};

export function parseGlobal(yaml: string): GlobalParseResult {
  return parseGlobalConfig(yaml, GLOBAL_FILE);
}

/** A global config with every default; `yaml` adds or overrides keys. */
export function globalConfig(yaml = 'timezone: UTC\n'): GlobalConfig {
  const result = parseGlobal(yaml);
  assert.deepEqual(result.issues, []);
  assert.ok(result.config);
  return result.config;
}

/** Parses MINIMAL_PROXY with `fields` merged over it (undefined removes a key). */
export function parseProxy(fields: Record<string, unknown> = {}, global = globalConfig()): ProxyParseResult {
  const document = Object.fromEntries(Object.entries({ ...MINIMAL_PROXY, ...fields }).filter(([, value]) => value !== undefined));
  return parseProxyConfig(stringify(document), PROXY_FILE, global);
}

/** `path: message` lines, the way an operator reads them. */
export function lines(issues: readonly ConfigIssue[]): string[] {
  return issues.map((issue) => `${issue.path}: ${issue.message}`);
}

/** The one issue of a result, as `path: message`. */
export function onlyIssue(result: { issues: ConfigIssue[] }): string {
  assert.equal(result.issues.length, 1, `expected one issue, got: ${JSON.stringify(lines(result.issues))}`);
  return lines(result.issues)[0] ?? '';
}

export function validProxy(fields: Record<string, unknown> = {}, global?: GlobalConfig): NonNullable<ProxyParseResult['config']> {
  const result = parseProxy(fields, global);
  assert.deepEqual(lines(result.issues), []);
  assert.ok(result.config);
  return result.config;
}
