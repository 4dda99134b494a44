import { parseAclTarget, targetContains } from '../../shared/acl/acl-target.js';
import type { AclViewBody } from './views/acl-view.js';

/** The earlier rule that contains every address of rule `index` (so it never decides), if any. */
function shadowOf(rules: AclViewBody['rules'], index: number): number | undefined {
  const inner = parseAclTarget(rules[index]?.cidr ?? '');
  if (inner === undefined) return undefined;
  for (let i = 0; i < index; i++) {
    const outer = parseAclTarget(rules[i]!.cidr);
    if (outer !== undefined && targetContains(outer, inner)) return i;
  }
  return undefined;
}

/**
 * Hints for changes that were saved but do nothing yet: rules in a disabled ACL, or a new rule
 * that an earlier, broader rule shadows (first match wins). `{}` when there is nothing to say.
 */
export function aclWarnings(view: AclViewBody, addedAt?: number): { warning?: string } {
  const notes: string[] = [];
  if (!view.enabled) notes.push('this ACL is disabled: its rules are saved but not applied (send PATCH with {"enabled": true} to apply them)');
  if (addedAt !== undefined) {
    const shadow = shadowOf(view.rules, addedAt);
    if (shadow !== undefined) {
      const earlier = view.rules[shadow]!;
      notes.push(`rule ${addedAt} never decides anything: rule ${shadow} (${earlier.action} ${earlier.cidr}) comes first and contains it; add it with a lower "position"`);
    }
  }
  return notes.length === 0 ? {} : { warning: notes.join('; ') };
}
