import type { Balancer } from './balancer.js';
import { fnv1a32 } from './fnv1a.js';
import type { UpstreamState } from './upstream-state.js';

/**
 * FNV-32 of the client IP picks a stable upstream; if that one is unhealthy the next healthy
 * one in order takes over (and the client returns once it is healthy again).
 */
export class IpHashBalancer implements Balancer {
  constructor(private readonly upstreams: readonly UpstreamState[]) {}

  pick(clientIp: string): UpstreamState | undefined {
    const n = this.upstreams.length;
    if (n === 0) return undefined;
    const start = fnv1a32(clientIp) % n;
    for (let i = 0; i < n; i++) {
      const candidate = this.upstreams[(start + i) % n]!;
      if (candidate.healthy) return candidate;
    }
    return undefined;
  }
}
