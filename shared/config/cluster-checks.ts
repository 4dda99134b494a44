// Checks on the `cluster:` block of global.yaml that the schema cannot express. Each reads only
// values the schema accepted (`ctx.clean`), so a block of the wrong type is reported, not a crash.
import { hostname } from 'node:os';
import type { CheckContext } from './check-context.js';
import type { Filled } from './filled.js';
import { CONFIG_FORMATS } from './formats.js';
import { parseRedisUrl } from './redis-url.js';
import type { GlobalFile } from './schema-global.js';

type Cluster = Filled<GlobalFile>['cluster'];
type Redis = Cluster['redis'];

export function checkCluster(cluster: Cluster, ctx: CheckContext, host: string = hostname()): void {
  const url = ctx.clean('cluster.redis.url') && cluster.redis.url.trim() !== '' ? parseRedisUrl(cluster.redis.url) : undefined;
  const parsedUrl = url?.ok === true ? url.value : undefined;
  if (ctx.clean('cluster.redis.tls')) checkTls(cluster.redis.tls, parsedUrl?.tls === true, ctx);
  if (parsedUrl !== undefined && parsedUrl.password !== '') checkUrlPassword(cluster.redis, ctx);
  if (!ctx.clean('cluster.enabled') || !cluster.enabled) return;
  if (ctx.clean('cluster.redis.url') && cluster.redis.url.trim() === '') ctx.error('cluster.redis.url', 'is required when cluster.enabled is true (like "redis://10.0.0.5:6379/0")');
  if (ctx.clean('cluster.node_id') && cluster.node_id === '' && CONFIG_FORMATS['node-id']!.check(host) !== undefined) {
    ctx.error('cluster.node_id', `is empty and the host name "${host}" cannot be a node id (1-64 letters, digits, ".", "_" or "-"): set one`);
  }
}

function checkTls(tls: Redis['tls'], rediss: boolean, ctx: CheckContext): void {
  const [cert, key] = [tls.cert_file.trim() !== '', tls.key_file.trim() !== ''];
  if (cert !== key) ctx.error(`cluster.redis.tls.${cert ? 'key_file' : 'cert_file'}`, `is required with cluster.redis.tls.${cert ? 'cert_file' : 'key_file'} (a client certificate needs its key)`);
  const files = (['ca_file', 'cert_file', 'key_file'] as const).filter((field) => tls[field].trim() !== '');
  if (!tls.enabled && !rediss && files.length > 0) {
    ctx.warn(`cluster.redis.tls.${files[0]}`, 'has no effect while cluster.redis.tls.enabled is false (and the url is not rediss://)');
  }
}

function checkUrlPassword(redis: Redis, ctx: CheckContext): void {
  if (ctx.clean('cluster.redis.password_file') && redis.password_file.trim() !== '') {
    ctx.error('cluster.redis.url', 'has a password and cluster.redis.password_file is set too: keep the password in password_file only');
  } else {
    ctx.warn('cluster.redis.url', 'carries the password: move it to cluster.redis.password_file so global.yaml holds no secret');
  }
}
