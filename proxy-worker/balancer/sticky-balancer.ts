import type { Balancer } from './balancer.js';
import type { StickyTable } from './sticky-table.js';
import type { UpstreamState } from './upstream-state.js';

/** `sticky_sessions`: a client IP returns to its upstream while the table remembers it. */
export class StickyBalancer implements Balancer {
  constructor(
    private readonly inner: Balancer,
    readonly table: StickyTable,
  ) {}

  pick(clientIp: string): UpstreamState | undefined {
    const remembered = this.table.lookup(clientIp);
    if (remembered !== undefined) return remembered;
    const picked = this.inner.pick(clientIp);
    if (picked !== undefined) this.table.remember(clientIp, picked);
    return picked;
  }
}
