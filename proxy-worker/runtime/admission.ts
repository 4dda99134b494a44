/** Why a new TCP connection or UDP session was refused before any balancer saw it. */
export type DenyReason = 'acl' | 'suspended';

/**
 * The ACL hook and the bandwidth suspension a new TCP connection or UDP session is admitted
 * against. The runtime checks them in the spec's order — global ACL → proxy ACL → ban list →
 * L7 → bandwidth suspension — with the ban list and L7 in between; `check` is the two alone.
 * A layer that is off is `null` and costs one comparison. Established connections never come here.
 */
export class Admission {
  /** Set by the ACL layer when an ACL applies to this proxy; false means deny. */
  aclAllows: ((clientIp: string) => boolean) | null = null;
  /** Set while the proxy is suspended (bandwidth quota); the reason is shown to operators. */
  suspendedReason: string | null = null;

  check(clientIp: string): DenyReason | null {
    if (this.aclAllows !== null && !this.aclAllows(clientIp)) return 'acl';
    if (this.suspendedReason !== null) return 'suspended';
    return null;
  }
}
