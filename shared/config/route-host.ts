// Host names a route serves: exact names ("play.example.net") and `*.` wildcards ("*.example.net",
// any name below it, not the name itself). Case-insensitive, a trailing dot ignored: the spelling
// kept is lowercase without the dot, and is what the worker matches against.
import { isIP } from 'node:net';
import { fail, ok, type Parsed } from './parsed.js';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const MAX_NAME_LENGTH = 253;

/** Lowercase, trailing dot removed: the form both config hosts and client-sent names are compared in. */
export function normalizeHostName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function parseRouteHost(text: string): Parsed<string> {
  const host = normalizeHostName(text.trim());
  if (host === '') return fail('must be a host name like "play.example.net" or a wildcard like "*.example.net"');
  if (isIP(host) !== 0) return ok(host);
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  if (name.includes('*')) return fail(`"${text}": a wildcard is only allowed as the whole first label, like "*.example.net"`);
  if (name.length > MAX_NAME_LENGTH) return fail(`"${text}" is longer than ${MAX_NAME_LENGTH} characters`);
  const bad = name.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined) return fail(`"${text}" is not a host name: "${bad}" is not a valid label (letters, digits, "-", "_"; 1-63 characters)`);
  return ok(host);
}
