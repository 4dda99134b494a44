// `api.bind`: `127.0.0.1:9000`, `[::1]:9000`, `0.0.0.0:9000` or `localhost:9000`. Host names other
// than localhost are refused: resolving DNS at start would make the bind address change under us.
import { isIP } from 'node:net';
import { fail, ok, type Parsed } from './parsed.js';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string): Parsed<HostPort> {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text.trim());
  if (match === null) return fail(`"${text}" is not host:port (like "127.0.0.1:9000" or "[::1]:9000")`);
  const [, bracketed, plain, portText = ''] = match;
  const host = bracketed ?? plain ?? '';
  const port = Number(portText);
  if (bracketed !== undefined && isIP(bracketed) !== 6) return fail(`"${bracketed}" in brackets is not an IPv6 address`);
  if (bracketed === undefined && isIP(host) !== 4 && host !== 'localhost') {
    return fail(`host "${host}" must be an IP address or "localhost" (IPv6 goes in brackets: "[::1]:9000")`);
  }
  if (port < 1 || port > 65535) return fail(`port ${portText} is out of range 1-65535`);
  return ok({ host, port });
}
