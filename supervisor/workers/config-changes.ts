import { isDeepStrictEqual } from 'node:util';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';

/**
 * The YAML section an operator edits for each resolved field. Fields derived from others
 * (listeners from origin-*, groups from one-to-one) map to null: their source is reported.
 */
const SECTION: Partial<Record<keyof ProxyConfig, string | null>> = {
  oneToOne: 'one-to-one',
  originIps: 'origin-ip',
  originPorts: 'origin-port',
  destIps: 'dest-ip',
  destPorts: 'dest-port',
  listeners: null,
  upstreamGroups: null,
  balancing: 'load_balancing',
  health: 'load_balancing.health_check',
  udpMaxSessions: 'udp_max_sessions',
  network: 'network (global.yaml)',
  draining: 'connection_draining',
  rateLimits: 'rate_limits',
  l7: 'l7_protection',
  proxyProtocol: 'proxy_protocol',
  globalAcl: 'acl (global.yaml)',
};

/**
 * What an operator changed between two configs of one proxy, named as in the YAML file:
 * `["load_balancing", "timeouts"]`. For the reload log line.
 */
export function changedSections(previous: ProxyConfig, next: ProxyConfig): string[] {
  const keys = (Object.keys(next) as (keyof ProxyConfig)[]).filter((key) => !isDeepStrictEqual(previous[key], next[key]));
  const sections = new Set<string>();
  for (const key of keys) {
    if (key === 'upstreams') {
      // Same dest IPs and ports but different upstreams: only the weights can have changed.
      if (!keys.includes('destIps') && !keys.includes('destPorts')) sections.add('load_balancing.upstream_weights');
      continue;
    }
    const section = key in SECTION ? SECTION[key] : key;
    if (section !== null && section !== undefined) sections.add(section);
  }
  return [...sections].sort();
}
