import { addAclCounts, emptyAclCounts, type AclCounts, type AclLayerCounts, type AclScope } from '../../shared/acl/acl-counts.js';

/**
 * One proxy's ACL counters since the supervisor started: allowed/denied per layer and hits per
 * rule (keyed by `ruleKey`, so they follow a rule when others are added or removed before it).
 * Workers send deltas, so the totals survive worker restarts and reloads. This is also the shape
 * the metrics export reads (`routex_acl_*_total{proxy, scope, ...}`).
 */
export class AclStats {
  private readonly totals: AclCounts = emptyAclCounts();

  record(delta: AclCounts | undefined): void {
    if (delta !== undefined) addAclCounts(this.totals, delta);
  }

  layer(scope: AclScope): Readonly<AclLayerCounts> {
    return this.totals[scope];
  }

  hits(scope: AclScope, key: string): number {
    return this.totals[scope].ruleHits[key] ?? 0;
  }
}
