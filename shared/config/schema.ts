// The raw config file schemas and their TypeScript types, in one place for importers.
export { GlobalFileSchema, type GlobalFile, API_PERMISSIONS, METRICS_FORMATS, LOG_LEVELS } from './schema-global.js';
export { ProxyFileSchema, type ProxyFile, PROTOCOLS, ALGORITHMS } from './schema-proxy.js';
export { INSPECTION_MODES, SCORE_EVENTS, BUILTIN_SCORES, type ScoreEvent } from './schema-l7.js';
export { ACL_ACTIONS } from './schema-acl.js';
