// Checks on global.yaml that the schema cannot express: values that depend on each other.
import type { CheckContext } from './check-context.js';
import { checkCluster } from './cluster-checks.js';
import { formatDuration, parseDuration } from './duration.js';
import { requirePositiveDuration } from './duration-checks.js';
import type { Filled } from './filled.js';
import { must } from './parsed.js';
import type { GlobalFile } from './schema-global.js';
import { canonicalTimeZone } from './time-zone.js';

type Global = Filled<GlobalFile>;

export function checkGlobal(global: Global, ctx: CheckContext): void {
  checkApi(global.api, ctx);
  checkTimezone(global.timezone, ctx);
  checkMetrics(global.metrics, ctx);
  checkDefaults(global.defaults, ctx);
  checkCluster(global.cluster, ctx);
  if (ctx.clean('network.tcp_keepalive_enabled', 'network.tcp_keepalive_interval') && global.network.tcp_keepalive_enabled) {
    requirePositiveDuration(ctx, 'network.tcp_keepalive_interval', global.network.tcp_keepalive_interval);
  }
  const { logging } = global;
  if (ctx.clean('logging.output', 'logging.file_path') && logging.output === 'file' && logging.file_path.trim() === '') {
    ctx.error('logging.file_path', 'is required when logging.output is file');
  }
}

function checkApi(api: Global['api'], ctx: CheckContext): void {
  if (ctx.clean('api.enabled', 'api.api_keys') && api.enabled && api.api_keys.length === 0) {
    ctx.error('api.api_keys', 'at least one key is required when api.enabled is true');
  }
  if (ctx.clean('api.api_keys')) {
    const firstIndex = new Map<string, number>();
    api.api_keys.forEach(({ key }, index) => {
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, index);
      else ctx.error(`api.api_keys[${index}].key`, `is the same key as api.api_keys[${first}]; each key must be unique`);
    });
  }
  if (ctx.clean('api.tls') && api.tls.enabled) {
    for (const field of ['cert', 'key'] as const) {
      if (api.tls[field].trim() === '') ctx.error(`api.tls.${field}`, 'is required when api.tls.enabled is true');
    }
  }
}

function checkTimezone(timezone: string, ctx: CheckContext): void {
  if (ctx.clean('timezone') && canonicalTimeZone(timezone) === undefined) {
    ctx.warn('timezone', `unknown time zone "${timezone}", using UTC (write an IANA name like "Europe/London")`);
  }
}

function checkMetrics(metrics: Global['metrics'], ctx: CheckContext): void {
  if (!ctx.clean('metrics.enabled') || !metrics.enabled) return;
  for (const field of ['retention_hours', 'flush_interval_seconds'] as const) {
    if (ctx.clean(`metrics.${field}`) && metrics[field] === 0) ctx.error(`metrics.${field}`, 'must be more than 0 when metrics are enabled');
  }
  if (ctx.clean('metrics.sqlite_path') && metrics.sqlite_path.trim() === '') {
    ctx.error('metrics.sqlite_path', 'is required when metrics are enabled');
  }
  if (ctx.clean('metrics.formats') && metrics.formats.length === 0) {
    ctx.error('metrics.formats', 'must list at least one of json, prometheus, influx, csv when metrics are enabled');
  }
}

function checkDefaults(defaults: Global['defaults'], ctx: CheckContext): void {
  for (const field of ['upstream_connect_timeout', 'udp_session_timeout', 'health_check_interval', 'health_check_timeout'] as const) {
    requirePositiveDuration(ctx, `defaults.${field}`, defaults[field]);
  }
  if (!ctx.clean('defaults.health_check_interval', 'defaults.health_check_timeout')) return;
  const intervalMs = must(parseDuration(defaults.health_check_interval));
  const timeoutMs = must(parseDuration(defaults.health_check_timeout));
  if (timeoutMs > 0 && timeoutMs >= intervalMs) {
    ctx.error('defaults.health_check_timeout', `must be less than defaults.health_check_interval (${formatDuration(timeoutMs)} is not less than ${formatDuration(intervalMs)})`);
  }
}
