import { parseIpPort } from '../../shared/ip-port.js';
import type { UpstreamSelector } from '../../shared/ipc/protocol.js';
import { ApiError } from './api-error.js';

/**
 * `10.0.0.1` (every port of that IP), `10.0.0.1:35565`, `::1` or `[::1]:35565`, with the IP in
 * its canonical spelling, so `2001:DB8::1` and `::ffff:10.0.0.1` find `2001:db8::1` and `10.0.0.1`.
 */
export function parseUpstreamSelector(text: string): UpstreamSelector {
  const parsed = parseIpPort(text, { port: 'optional' });
  if (parsed.ok) return parsed.value;
  if (parsed.problem === 'port-range') throw new ApiError('ERR_INVALID_UPSTREAM', `"${parsed.part}" is not a port (1-65535)`);
  throw new ApiError('ERR_INVALID_UPSTREAM', `"${text}" is not an upstream IP or ip:port`);
}
