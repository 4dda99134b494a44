// The custom JSON Schema formats of the config files. Each one checks a value and, when it is
// wrong, says why in words an operator understands; ajv only learns "valid or not", and the error
// translator asks the same check again for the message.
import { parseCidr } from './cidr.js';
import { parseDuration } from './duration.js';
import { parseHexBytes } from './hex-bytes.js';
import { parseHostPort } from './host-port.js';
import { parseIpList } from './ip-list.js';
import type { Parsed } from './parsed.js';
import { parsePortSpec } from './port-spec.js';
import { parseRedisUrl } from './redis-url.js';
import { parseRouteHost } from './route-host.js';

export interface ConfigFormat {
  /** What to write, for values of the wrong type entirely; absent = the plain type message. */
  expected?: string;
  /** undefined when the value is fine, else the reason it is not. */
  check(value: string | number): string | undefined;
}

const PROXY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CHAIN_PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,15}$/;
const COMMENT_PREFIX = /^[A-Za-z0-9._-]{1,32}$/;
const KEY_PREFIX = /^[A-Za-z0-9:._-]{0,64}$/;

function errorOf<T>(parsed: Parsed<T>): string | undefined {
  return parsed.ok ? undefined : parsed.error;
}

function matching(pattern: RegExp, reason: string): ConfigFormat['check'] {
  return (value) => (pattern.test(String(value)) ? undefined : reason);
}

export const CONFIG_FORMATS: Readonly<Record<string, ConfigFormat>> = {
  duration: {
    expected: 'must be a duration like "5s", "1m30s" or "500ms", or a number of seconds',
    check: (value) => errorOf(parseDuration(value)),
  },
  'port-spec': {
    expected: 'must be a port like 25565, a range like "25565:25575" or a list like "25565,27015:27020"',
    check: (value) => errorOf(parsePortSpec(value)),
  },
  'ip-list': {
    expected: 'must be a comma-separated string of IP addresses, like "10.0.0.1, 10.0.0.2"',
    check: (value) => errorOf(parseIpList(String(value))),
  },
  cidr: {
    expected: 'must be a CIDR like "10.0.0.0/8" or an IP address, as a string',
    check: (value) => errorOf(parseCidr(String(value))),
  },
  'host-port': {
    expected: 'must be host:port as a string, like "127.0.0.1:9000"',
    check: (value) => errorOf(parseHostPort(String(value))),
  },
  'hex-bytes': {
    expected: 'must be a quoted string of hex bytes, like "0x0F,0x10"',
    check: (value) => errorOf(parseHexBytes(String(value))),
  },
  'proxy-name': {
    check: matching(PROXY_NAME, 'must be 1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit'),
  },
  'chain-prefix': {
    check: matching(CHAIN_PREFIX, 'must be 1-16 characters: letters, digits, "_" or "-", starting with a letter'),
  },
  'comment-prefix': {
    check: matching(COMMENT_PREFIX, 'must be 1-32 characters: letters, digits, ".", "_" or "-"'),
  },
  'node-id': {
    check: (value) => (value === '' ? undefined : matching(PROXY_NAME, 'must be 1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit (or empty for the host name)')(value)),
  },
  'redis-url': {
    expected: 'must be a URL like "redis://10.0.0.5:6379/0", as a string',
    check: (value) => (value === '' ? undefined : errorOf(parseRedisUrl(String(value)))),
  },
  'key-prefix': {
    expected: 'must be a string like "routex:"',
    check: matching(KEY_PREFIX, 'must be at most 64 characters: letters, digits, ":", ".", "_" or "-"'),
  },
  'route-host': {
    expected: 'must be a host name like "play.example.net" or a wildcard like "*.example.net", as a string',
    check: (value) => errorOf(parseRouteHost(String(value))),
  },
  'non-blank': {
    check: (value) => (String(value).trim() === '' ? 'must not be empty' : undefined),
  },
  origin: {
    expected: 'must be a string like "https://dash.example.com"',
    check: checkOrigin,
  },
  'udp-proxy-version': {
    expected: 'must be off or v2, as a string',
    check: (value) => (value === 'v1' ? 'v1 cannot describe UDP (its header has no UDP form): use v2 or off' : value === 'off' || value === 'v2' ? undefined : `must be one of: off, v2`),
  },
};

function checkOrigin(value: string | number): string | undefined {
  const text = String(value);
  if (text === '*') return undefined;
  const reason = `"${text}" is not an origin like "https://dash.example.com" (scheme, host and optional port, no path) or "*"`;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text ? undefined : reason;
  } catch {
    return reason;
  }
}
