// `api.bind`: `127.0.0.1:9000`, `[::1]:9000`, `0.0.0.0:9000` or `localhost:9000`. Host names other
// than localhost are refused: resolving DNS at start would make the bind address change under us.
import { parseIpPort } from '../ip-port.js';
import { fail, ok, type Parsed } from './parsed.js';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string): Parsed<HostPort> {
  const parsed = parseIpPort(text, { port: 'required', hostNames: ['localhost'] });
  if (parsed.ok) return ok({ host: parsed.value.ip, port: parsed.value.port! });
  switch (parsed.problem) {
    case 'shape':
      return fail(`"${text}" is not host:port (like "127.0.0.1:9000" or "[::1]:9000")`);
    case 'not-ipv6-in-brackets':
      return fail(`"${parsed.part}" in brackets is not an IPv6 address`);
    case 'not-an-ip':
      return fail(`host "${parsed.part}" must be an IP address or "localhost" (IPv6 goes in brackets: "[::1]:9000")`);
    case 'port-range':
      return fail(`port ${parsed.part} is out of range 1-65535`);
  }
}
