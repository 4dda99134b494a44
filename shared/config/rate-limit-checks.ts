import type { CheckContext } from './check-context.js';
import type { Filled } from './filled.js';
import type { ProxyFile } from './schema-proxy.js';

type RateLimits = Filled<ProxyFile>['rate_limits'];

const MIN_MAX_PAIRS = [
  ['min_ttl', 'max_ttl'],
  ['min_packet_size', 'max_packet_size'],
  ['udp_min_payload', 'udp_max_payload'],
] as const;

const TCP_ONLY = ['tcp_pps_per_ip', 'new_conns_per_sec_per_ip', 'new_conns_per_sec_global', 'tcp_syn_rate_per_ip', 'max_simultaneous_conns_per_ip', 'max_total_conns', 'tcp_invalid_state_drop', 'tcp_rst_rate_per_ip'] as const;
const UDP_ONLY = ['udp_pps_per_ip', 'udp_max_payload', 'udp_min_payload'] as const;

export function checkRateLimits(limits: RateLimits, protocol: string, ctx: CheckContext): void {
  for (const [low, high] of MIN_MAX_PAIRS) {
    if (!ctx.clean(`rate_limits.${low}`, `rate_limits.${high}`)) continue;
    const [min, max] = [limits[low], limits[high]];
    if (min > 0 && max > 0 && min >= max) ctx.error(`rate_limits.${low}`, `must be less than rate_limits.${high} (${min} is not less than ${max})`);
  }
  if (!ctx.clean('protocol')) return;
  const unused = protocol === 'udp' ? TCP_ONLY : protocol === 'tcp' ? UDP_ONLY : [];
  for (const field of unused) {
    if (ctx.clean(`rate_limits.${field}`) && limits[field] !== 0 && limits[field] !== false) {
      ctx.warn(`rate_limits.${field}`, `has no effect on a ${protocol} proxy`);
    }
  }
}
