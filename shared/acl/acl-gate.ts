// The ACL decision for one proxy: the global ACL first (its deny is final, whatever the proxy's
// own ACL says), then the proxy's ACL. Counts allowed/denied per layer and hits per rule as plain
// numbers; the worker drains them into its once-a-second report. Pure: no I/O.
import type { AclConfig } from '../config/resolved-types.js';
import { ruleKey, type AclCounts, type AclLayerCounts } from './acl-counts.js';
import { AclMatcher, ClientIp } from './acl-matcher.js';

/** An ACL that could refuse someone: enabled, with rules or a deny default. Others cost nothing. */
export function aclApplies(acl: AclConfig): boolean {
  return acl.enabled && (acl.rules.length > 0 || acl.defaultAction === 'deny');
}

class AclLayer {
  readonly matcher: AclMatcher;
  readonly closeExistingOnDeny: boolean;
  private readonly hits: Float64Array;
  private allowed = 0;
  private denied = 0;

  constructor(acl: AclConfig) {
    this.matcher = AclMatcher.compile(acl);
    this.closeExistingOnDeny = acl.closeExistingOnDeny;
    this.hits = new Float64Array(acl.rules.length);
  }

  decide(client: ClientIp): boolean {
    const index = this.matcher.match(client);
    if (index >= 0) this.hits[index]!++;
    const allowed = this.matcher.allowsAt(index);
    if (allowed) this.allowed++;
    else this.denied++;
    return allowed;
  }

  denies(client: ClientIp): boolean {
    return !this.matcher.allowsAt(this.matcher.match(client));
  }

  drain(into: AclLayerCounts): void {
    into.allowed += this.allowed;
    into.denied += this.denied;
    this.allowed = this.denied = 0;
    const { rules, keys } = this.matcher;
    for (let i = 0; i < this.hits.length; i++) {
      if (this.hits[i] === 0) continue;
      const key = ruleKey(rules[i]!.action, keys[i]!);
      into.ruleHits[key] = (into.ruleHits[key] ?? 0) + this.hits[i]!;
      this.hits[i] = 0;
    }
  }
}

export class AclGate {
  private readonly client = new ClientIp();

  private constructor(
    private readonly global: AclLayer | null,
    private readonly proxy: AclLayer | null,
  ) {}

  /** The gate for a proxy, or null when neither ACL applies (then admission skips the ACL step). */
  static compile(globalAcl: AclConfig, proxyAcl: AclConfig): AclGate | null {
    const global = aclApplies(globalAcl) ? new AclLayer(globalAcl) : null;
    const proxy = aclApplies(proxyAcl) ? new AclLayer(proxyAcl) : null;
    return global === null && proxy === null ? null : new AclGate(global, proxy);
  }

  /** Decides a new connection or UDP session from `ip` and counts the decision. */
  readonly allows = (ip: string): boolean => {
    const client = this.client;
    client.parse(ip);
    if (this.global !== null && !this.global.decide(client)) return false;
    return this.proxy === null || this.proxy.decide(client);
  };

  /**
   * Whether a live connection from `ip` must be closed now: some layer denies it and has
   * `close_existing_on_deny` on. Counts nothing.
   */
  closesExisting(ip: string): boolean {
    const client = this.client;
    client.parse(ip);
    if (this.global !== null && this.global.closeExistingOnDeny && this.global.denies(client)) return true;
    return this.proxy !== null && this.proxy.closeExistingOnDeny && this.proxy.denies(client);
  }

  /** Adds the counts since the last drain into `into` and starts again from zero. */
  drainCounts(into: AclCounts): void {
    this.global?.drain(into.global);
    this.proxy?.drain(into.proxy);
  }
}
