// ACL counters as they travel from a worker to the supervisor in the once-a-second report:
// deltas since the previous report, per layer. Rule hits are keyed by `ruleKey` (action and
// canonical CIDR) rather than by position, so a report that crosses a config change still
// credits the right rule.

export const ACL_SCOPES = ['global', 'proxy'] as const;
export type AclScope = (typeof ACL_SCOPES)[number];

export interface AclLayerCounts {
  /** New connections/sessions this layer let through. */
  allowed: number;
  /** New connections/sessions this layer refused. */
  denied: number;
  /** `ruleKey` → how many decisions that rule made; only rules that made some are present. */
  ruleHits: Record<string, number>;
}

export interface AclCounts {
  global: AclLayerCounts;
  proxy: AclLayerCounts;
}

/** `deny 10.0.0.0/8`: one rule's identity for counting. */
export function ruleKey(action: string, canonicalCidr: string): string {
  return `${action} ${canonicalCidr}`;
}

export function emptyAclCounts(): AclCounts {
  return { global: { allowed: 0, denied: 0, ruleHits: {} }, proxy: { allowed: 0, denied: 0, ruleHits: {} } };
}

export function isEmptyAclCounts(counts: AclCounts): boolean {
  const empty = (layer: AclLayerCounts): boolean => layer.allowed === 0 && layer.denied === 0 && Object.keys(layer.ruleHits).length === 0;
  return empty(counts.global) && empty(counts.proxy);
}

/** Adds `from` into `into` (used to fold deltas into totals, and a retired gate into the next report). */
export function addAclCounts(into: AclCounts, from: AclCounts): void {
  for (const scope of ACL_SCOPES) {
    const target = into[scope];
    const source = from[scope];
    target.allowed += source.allowed;
    target.denied += source.denied;
    for (const [key, hits] of Object.entries(source.ruleHits)) target.ruleHits[key] = (target.ruleHits[key] ?? 0) + hits;
  }
}
