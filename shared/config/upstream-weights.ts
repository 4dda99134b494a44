// upstream_weights keys: a dest IP ("10.0.0.1", "::1") weighs every upstream on that IP; an
// upstream ("10.0.0.1:35565", "[::1]:35565") weighs just that one and wins over its IP's weight.
import type { CheckContext } from './check-context.js';
import { childPath } from './config-path.js';
import { formatIpPort, parseIpPort } from '../ip-port.js';
import { fail, ok, type Parsed } from './parsed.js';

export interface WeightKey {
  ip: string;
  port?: number;
}

export function parseWeightKey(key: string): Parsed<WeightKey> {
  const parsed = parseIpPort(key, { port: 'optional' });
  if (parsed.ok) return ok(parsed.value);
  if (parsed.problem === 'port-range') return fail(`port ${parsed.part} in "${key}" is out of range 1-65535`);
  return fail(`"${key}" is not a dest IP or ip:port (like "10.0.0.1" or "10.0.0.1:35565")`);
}

/** The one spelling of a weight key, used to look weights up: `10.0.0.1`, `10.0.0.1:80`, `[::1]:80`. */
export function weightKeyText({ ip, port }: WeightKey): string {
  return port === undefined ? ip : formatIpPort(ip, port);
}

/** Every key must name a dest IP, or a dest IP with one of the dest ports; no target may be named twice. */
export function checkUpstreamWeights(
  weights: Record<string, number>,
  destIps: string[],
  destPorts: number[],
  ctx: CheckContext,
  base = 'load_balancing.upstream_weights',
): void {
  const seen = new Map<string, string>();
  for (const key of Object.keys(weights)) {
    const path = childPath(base, key);
    const parsed = ctx.value(path, parseWeightKey(key));
    if (parsed === undefined) continue;
    const canonical = weightKeyText(parsed);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) ctx.error(path, `names the same upstream as "${earlier}"`);
    seen.set(canonical, key);
    if (!destIps.includes(parsed.ip)) {
      ctx.error(path, `${parsed.ip} is not one of the dest-ip addresses (${destIps.join(', ')})`);
    } else if (parsed.port !== undefined && !destPorts.includes(parsed.port)) {
      ctx.error(path, `port ${parsed.port} is not one of the dest-port ports, so "${key}" is not an upstream`);
    }
  }
}

/** Canonical key → weight, for lookups by `weightKeyText`. Only for weights that passed the checks. */
export function weightTable(weights: Record<string, number>): Map<string, number> {
  const table = new Map<string, number>();
  for (const [key, weight] of Object.entries(weights)) {
    const parsed = parseWeightKey(key);
    if (parsed.ok) table.set(weightKeyText(parsed.value), weight);
  }
  return table;
}
