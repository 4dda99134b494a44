import { isIP } from 'node:net';
import type { UpstreamSelector } from '../../shared/ipc/protocol.js';
import { ApiError } from './api-error.js';

/** `10.0.0.1` (every port of that IP), `10.0.0.1:35565`, `::1` or `[::1]:35565`. */
export function parseUpstreamSelector(text: string): UpstreamSelector {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return checked(bracketed[1]!, bracketed[2], text);
  if (isIP(text) !== 0) return { ip: text };
  const colon = text.lastIndexOf(':');
  if (colon > 0 && isIP(text.slice(0, colon)) === 4) return checked(text.slice(0, colon), text.slice(colon + 1), text);
  throw new ApiError(400, 'ERR_INVALID_UPSTREAM', `"${text}" is not an upstream IP or ip:port`);
}

function checked(ip: string, port: string | undefined, text: string): UpstreamSelector {
  if (isIP(ip) === 0) throw new ApiError(400, 'ERR_INVALID_UPSTREAM', `"${text}" is not an upstream IP or ip:port`);
  if (port === undefined) return { ip };
  const value = Number(port);
  if (!/^\d+$/.test(port) || value < 1 || value > 65535) throw new ApiError(400, 'ERR_INVALID_UPSTREAM', `"${port}" is not a port (1-65535)`);
  return { ip, port: value };
}
