import type { Balancer } from './balancer.js';
import type { UpstreamState } from './upstream-state.js';

/**
 * Fewest active connections among healthy upstreams. Ties are broken by a rotating start, so
 * idle upstreams share new connections instead of the first one taking them all.
 */
export class LeastConnBalancer implements Balancer {
  private cursor = 0;

  constructor(private readonly upstreams: readonly UpstreamState[]) {}

  pick(): UpstreamState | undefined {
    const n = this.upstreams.length;
    let best: UpstreamState | undefined;
    for (let i = 0; i < n; i++) {
      const candidate = this.upstreams[(this.cursor + i) % n]!;
      if (candidate.healthy && (best === undefined || candidate.active < best.active)) best = candidate;
    }
    this.cursor = (this.cursor + 1) % Math.max(n, 1);
    return best;
  }
}
