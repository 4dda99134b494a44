import type { Balancer } from './balancer.js';
import type { UpstreamState } from './upstream-state.js';

export type Random = () => number;

/** Random pick, each healthy upstream with probability weight / (sum of healthy weights). */
export class WeightedBalancer implements Balancer {
  constructor(
    private readonly upstreams: readonly UpstreamState[],
    private readonly random: Random = Math.random,
  ) {}

  pick(): UpstreamState | undefined {
    let total = 0;
    for (const u of this.upstreams) if (u.healthy) total += u.weight;
    if (total <= 0) return undefined;
    let r = this.random() * total;
    let last: UpstreamState | undefined;
    for (const u of this.upstreams) {
      if (!u.healthy) continue;
      last = u;
      r -= u.weight;
      if (r < 0) return u;
    }
    return last;
  }
}
