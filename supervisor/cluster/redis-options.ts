// ioredis options from the `cluster:` block: host, port, db and user from the url, the password
// from password_file, TLS files read once at start. A file that cannot be read stops the start
// with the field's name.
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import type { ClusterConfig } from '../../shared/config/resolved-types.js';
import { must } from '../../shared/config/parsed.js';
import { parseRedisUrl } from '../../shared/config/redis-url.js';
import { RoutexError } from '../../shared/errors/routex-error.js';

/** Reconnect attempts: 200 ms, 400 ms, … then every 2 s for as long as Redis is away. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 200, 2000);
}

function readSetting(field: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RoutexError('ERR_CLUSTER_START', `cluster.redis.${field}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** The first line of password_file, without its line ending. */
export function passwordOf(config: ClusterConfig): string | undefined {
  const { passwordFile } = config.redis;
  if (passwordFile === '') return undefined;
  const password = readSetting('password_file', passwordFile).split(/\r?\n/)[0] ?? '';
  if (password === '') throw new RoutexError('ERR_CLUSTER_START', `cluster.redis.password_file: ${passwordFile} is empty; its first line must be the password`);
  return password;
}

export function redisOptions(config: ClusterConfig): RedisOptions {
  const url = must(parseRedisUrl(config.redis.url));
  const { tls } = config.redis;
  const options: RedisOptions = {
    host: url.host,
    port: url.port,
    db: url.db,
    username: url.username === '' ? undefined : url.username,
    password: passwordOf(config) ?? (url.password === '' ? undefined : url.password),
    connectionName: `routex:${config.nodeId}`,
    connectTimeout: 2000,
    commandTimeout: 2000,
    // RouteX keeps what it could not send and sends it itself on reconnect: no blind resend.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelayMs,
  };
  if (tls.enabled) {
    options.tls = {
      ...(tls.caFile === '' ? {} : { ca: readSetting('tls.ca_file', tls.caFile) }),
      ...(tls.certFile === '' ? {} : { cert: readSetting('tls.cert_file', tls.certFile), key: readSetting('tls.key_file', tls.keyFile) }),
    };
  }
  return options;
}
