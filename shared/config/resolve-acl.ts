import type { AclConfig } from './resolved-types.js';
import type { Filled } from './filled.js';
import type { GlobalFile } from './schema-global.js';

export function resolveAcl(acl: Filled<GlobalFile>['acl']): AclConfig {
  return {
    enabled: acl.enabled,
    defaultAction: acl.default_action,
    rules: acl.rules.map((rule) => ({ action: rule.action, cidr: rule.cidr.trim(), comment: rule.comment })),
    closeExistingOnDeny: acl.close_existing_on_deny,
  };
}
