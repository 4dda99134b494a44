/** Why a new TCP connection or UDP session was refused before any balancer saw it. */
export type DenyReason = 'acl' | 'suspended';

/**
 * The checks a new TCP connection (at accept) or UDP session (on its first datagram) passes,
 * in the spec's order: global ACL → proxy ACL → ban list → L7 → bandwidth suspension. A layer
 * that is off is `null` and costs one comparison. Established connections never come here.
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
