import type { Algorithm } from '../../shared/config/resolved-types.js';
import type { UpstreamState } from './upstream-state.js';
import { RoundRobinBalancer } from './round-robin.js';
import { LeastConnBalancer } from './least-conn.js';
import { IpHashBalancer } from './ip-hash.js';
import { WeightedBalancer, type Random } from './weighted.js';
import { RandomBalancer } from './random.js';

/** Picks an upstream for a new connection among one group's healthy upstreams. */
export interface Balancer {
  /** `undefined` when no upstream of the group is healthy. */
  pick(clientIp: string): UpstreamState | undefined;
}

const FACTORIES: Record<Algorithm, (upstreams: readonly UpstreamState[], random: Random) => Balancer> = {
  'round-robin': (upstreams) => new RoundRobinBalancer(upstreams),
  'least-conn': (upstreams) => new LeastConnBalancer(upstreams),
  'ip-hash': (upstreams) => new IpHashBalancer(upstreams),
  weighted: (upstreams, random) => new WeightedBalancer(upstreams, random),
  random: (upstreams, random) => new RandomBalancer(upstreams, random),
};

export function createBalancer(algorithm: Algorithm, upstreams: readonly UpstreamState[], random: Random = Math.random): Balancer {
  return FACTORIES[algorithm](upstreams, random);
}
