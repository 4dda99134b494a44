// The configuration layer's public API. Other folders import from here, not from the files behind it.
export type * from './resolved-types.js';
export { ConfigError, formatIssue, type ConfigIssue } from './errors.js';
export { parseGlobalConfig, loadGlobalConfigFile, type GlobalParseResult } from './load-global.js';
export { parseProxyConfig, loadProxyConfigFile, type ProxyParseResult } from './load-proxy.js';
export { checkProxySet, type ProxySetEntry } from './check-proxy-set.js';
export { globalJsonSchema, proxyJsonSchema } from './json-schema.js';
export { parseDuration, formatDuration, MAX_DURATION_MS } from './duration.js';
export { parsePortSpec } from './port-spec.js';
export { parseIpList, canonicalIp } from './ip-list.js';
export { parseCidr, type Cidr } from './cidr.js';
export type { Parsed } from './parsed.js';
export * from './schema.js';
