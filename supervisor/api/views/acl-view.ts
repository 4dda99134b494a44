import type { AclConfig } from '../../../shared/config/resolved-types.js';
import { ruleKey, type AclScope } from '../../../shared/acl/acl-counts.js';
import { canonicalCidr } from '../../../shared/acl/acl-target.js';
import type { AclStats } from '../../stats/acl-stats.js';

/**
 * An ACL as the API shows it: settings, rules with their hit counts, and allowed/denied totals.
 * The global ACL's counters are the sum over every proxy (each worker checks it on its own).
 */
export function aclView(acl: AclConfig, scope: AclScope, stats: readonly AclStats[], name?: string) {
  const seen = new Set<string>();
  const rules = acl.rules.map((rule) => {
    const cidr = canonicalCidr(rule.cidr) ?? rule.cidr;
    // A later rule with the same cidr never decides anything: the earlier one takes the hits.
    const shadowed = seen.has(cidr);
    seen.add(cidr);
    const key = ruleKey(rule.action, cidr);
    const hits = shadowed ? 0 : stats.reduce((sum, s) => sum + s.hits(scope, key), 0);
    return { action: rule.action, cidr: rule.cidr, comment: rule.comment, hits };
  });
  return {
    ...(name === undefined ? {} : { name }),
    enabled: acl.enabled,
    default_action: acl.defaultAction,
    close_existing_on_deny: acl.closeExistingOnDeny,
    rules,
    stats: {
      allowed: stats.reduce((sum, s) => sum + s.layer(scope).allowed, 0),
      denied: stats.reduce((sum, s) => sum + s.layer(scope).denied, 0),
    },
  };
}

export type AclViewBody = ReturnType<typeof aclView>;
