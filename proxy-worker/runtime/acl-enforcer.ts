import { isDeepStrictEqual } from 'node:util';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { AclGate } from '../../shared/acl/acl-gate.js';
import { emptyAclCounts, type AclCounts } from '../../shared/acl/acl-counts.js';
import type { Admission } from './admission.js';

/** A live TCP relay or UDP session, as far as the ACL is concerned. */
interface LiveConnection {
  close(reason: string): void;
}

export const ACL_CLOSE_REASON = 'denied by a new acl rule';

/**
 * The worker's ACL step: compiles the global and proxy ACLs into one gate, hooks it into
 * admission, keeps its counters across config changes, and — when a new ACL arrives — finds the
 * live connections of clients it now denies.
 */
export class AclEnforcer {
  private gate: AclGate | null = null;
  private pending: AclCounts = emptyAclCounts();

  constructor(private readonly admission: Admission) {}

  /**
   * Installs the ACLs of `config`. Returns true when they differ from `previous`'s (then the
   * caller sweeps live connections with `closeDenied`).
   */
  apply(config: ProxyConfig, previous?: ProxyConfig): boolean {
    const changed = previous === undefined || !isDeepStrictEqual([previous.globalAcl, previous.acl], [config.globalAcl, config.acl]);
    if (!changed) return false;
    this.gate?.drainCounts(this.pending);
    this.gate = AclGate.compile(config.globalAcl, config.acl);
    this.admission.aclAllows = this.gate?.allows ?? null;
    return true;
  }

  /**
   * Closes every connection whose client the current ACL denies, where the denying ACL has
   * `close_existing_on_deny` on. Each distinct client IP is decided once. Returns how many closed.
   */
  closeDenied(connections: Iterable<[clientIp: string, connection: LiveConnection]>): number {
    const gate = this.gate;
    if (gate === null) return 0;
    const verdicts = new Map<string, boolean>();
    const doomed: LiveConnection[] = [];
    for (const [ip, connection] of connections) {
      let close = verdicts.get(ip);
      if (close === undefined) {
        close = gate.closesExisting(ip);
        verdicts.set(ip, close);
      }
      if (close) doomed.push(connection);
    }
    for (const connection of doomed) connection.close(ACL_CLOSE_REASON);
    return doomed.length;
  }

  /** The counts since the previous call (including those of a gate replaced in between). */
  takeCounts(): AclCounts {
    this.gate?.drainCounts(this.pending);
    const counts = this.pending;
    this.pending = emptyAclCounts();
    return counts;
  }
}
