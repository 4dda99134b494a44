import type { Balancer } from './balancer.js';
import type { Random } from './weighted.js';
import type { UpstreamState } from './upstream-state.js';

/** Uniform over healthy upstreams, without building a list of them per pick. */
export class RandomBalancer implements Balancer {
  constructor(
    private readonly upstreams: readonly UpstreamState[],
    private readonly random: Random = Math.random,
  ) {}

  pick(): UpstreamState | undefined {
    let healthy = 0;
    for (const u of this.upstreams) if (u.healthy) healthy++;
    if (healthy === 0) return undefined;
    let k = Math.floor(this.random() * healthy);
    for (const u of this.upstreams) {
      if (u.healthy && k-- === 0) return u;
    }
    return undefined;
  }
}
