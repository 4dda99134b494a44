// `cluster.redis.url`: `redis://host:port/db` or `rediss://…` (TLS), optionally with a user name
// (`redis://routex@host`). Query strings are refused: every setting RouteX honours has its own key.
import { fail, ok, type Parsed } from './parsed.js';

export interface RedisUrl {
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username: string;
  /** Set when the URL carries one; the config check asks for password_file instead. */
  password: string;
}

export const REDIS_DEFAULT_PORT = 6379;

export function parseRedisUrl(text: string): Parsed<RedisUrl> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return fail(`"${text}" is not a URL like "redis://10.0.0.5:6379/0"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return fail(`the scheme must be redis:// or rediss:// (TLS), not ${url.protocol}//`);
  if (url.hostname === '') return fail('names no host, like "redis://10.0.0.5:6379"');
  if (url.search !== '' || url.hash !== '') return fail('must not have a query string or fragment: set TLS and the password with their own keys');
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) return fail(`the path must be a database number like "/0", not "${url.pathname}"`);
  const port = url.port === '' ? REDIS_DEFAULT_PORT : Number(url.port);
  return ok({
    tls: url.protocol === 'rediss:',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db: dbText === '' ? 0 : Number(dbText),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
}

/** The URL as logs and the API show it: never the password. */
export function redactRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(invalid url)';
  }
}
