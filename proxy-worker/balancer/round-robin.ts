import type { Balancer } from './balancer.js';
import type { UpstreamState } from './upstream-state.js';

/** Rotates through the group in order, skipping unhealthy upstreams. */
export class RoundRobinBalancer implements Balancer {
  private cursor = 0;

  constructor(private readonly upstreams: readonly UpstreamState[]) {}

  pick(): UpstreamState | undefined {
    const n = this.upstreams.length;
    for (let i = 0; i < n; i++) {
      const candidate = this.upstreams[(this.cursor + i) % n]!;
      if (candidate.healthy) {
        this.cursor = (this.cursor + i + 1) % n;
        return candidate;
      }
    }
    return undefined;
  }
}
