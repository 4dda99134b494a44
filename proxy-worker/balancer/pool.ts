import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { createBalancer, type Balancer } from './balancer.js';
import type { Random } from './weighted.js';
import { StickyBalancer } from './sticky-balancer.js';
import { StickyTable } from './sticky-table.js';
import { UpstreamState, upstreamKey } from './upstream-state.js';

/** What a pool is built from: a proxy's own destination, or one of its routes. */
export type PoolSpec = Pick<ProxyConfig, 'upstreams' | 'upstreamGroups' | 'balancing'>;

/**
 * A proxy's upstreams with their live state, and one balancer per listener group (fan-out has
 * one group; one-to-one has one per origin port, holding only the paired dest port). Built
 * again on an in-place reconfigure, keeping the state of every upstream that stays.
 */
export class Pool {
  readonly upstreams: UpstreamState[];
  private readonly balancers: Balancer[];
  private readonly groups: UpstreamState[][];
  private readonly stickyTables: StickyTable[] = [];

  constructor(config: PoolSpec, previous?: Pool, random: Random = Math.random) {
    const kept = new Map(previous?.upstreams.map((u) => [u.key, u]));
    this.upstreams = config.upstreams.map((spec) => {
      const state = kept.get(upstreamKey(spec.ip, spec.port)) ?? new UpstreamState(spec);
      state.weight = spec.weight;
      return state;
    });
    const { algorithm, stickySessions, stickyTtlMs } = config.balancing;
    this.groups = config.upstreamGroups.map((indexes) => indexes.map((i) => this.upstreams[i]!));
    this.balancers = this.groups.map((members, group) => {
      const balancer = createBalancer(algorithm, members, random);
      if (!stickySessions) return balancer;
      const table = previous?.stickyTables[group] ?? new StickyTable(stickyTtlMs);
      table.setTtl(stickyTtlMs);
      table.retain(new Set(members));
      this.stickyTables.push(table);
      return new StickyBalancer(balancer, table);
    });
  }

  pick(group: number, clientIp: string): UpstreamState | undefined {
    return this.balancers[group]?.pick(clientIp);
  }

  /** The upstream `ip:port` when it is a healthy member of `group` (a handed-over session's pin). */
  healthyMember(group: number, ip: string, port: number): UpstreamState | undefined {
    return this.groups[group]?.find((u) => u.healthy && u.ip === ip && u.port === port);
  }

  /** Upstreams matching `ip`, or exactly `ip:port` when a port is given. */
  find(ip: string, port?: number): UpstreamState[] {
    return this.upstreams.filter((u) => u.ip === ip && (port === undefined || u.port === port));
  }

  /** True when the balancer of `group` has an upstream to pick. */
  hasHealthy(group = 0): boolean {
    return this.groups[group]?.some((upstream) => upstream.healthy) ?? false;
  }

  pruneSticky(): void {
    for (const table of this.stickyTables) table.prune();
  }
}
