// Every Redis key and channel a cluster node uses, under `cluster.redis.key_prefix`.
import type { Period } from '../bandwidth/quota-periods.js';

export class ClusterKeys {
  constructor(readonly prefix: string) {}

  /** One ban: its JSON, with a TTL when it expires. */
  ban(target: string): string {
    return `${this.prefix}ban:${target}`;
  }

  /** SCAN pattern of every ban (the prefix has no glob characters: its format forbids them). */
  get banPattern(): string {
    return `${this.prefix}ban:*`;
  }

  /** Left by an unban (7 days), so a node that was away learns the ban was lifted, not lost. */
  unban(target: string): string {
    return `${this.prefix}unban:${target}`;
  }

  /** Pub/sub channel of ban changes. */
  get banChannel(): string {
    return `${this.prefix}bans`;
  }

  /** A proxy's usage in one quota period (`startMs`: the period's start), a hash with a field per node and direction. */
  usage(proxy: string, period: Period, startMs: number): string {
    return `${this.prefix}bw:${proxy}:${period}:${startMs}`;
  }
}
