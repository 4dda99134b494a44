// The one ban list of this RouteX: bans from the API and from every proxy's L7 engine, kept in
// a `BanStore` so a restart forgets none, expiring by themselves on time. Every change is an
// event: the fleet pushes it to all workers; other parts (a kernel ban set) subscribe the same
// way. In a cluster, bans made on other nodes arrive through the shared store and become the
// same events as local ones.
import type { Ban } from '../../shared/bans/ban.js';
import type { BanRemovalCause, BanStore, SharedBanList } from './ban-store.js';

export type BanChange = { kind: 'added'; ban: Ban } | { kind: 'removed'; ban: Ban; cause: BanRemovalCause };
export type BanListener = (change: BanChange) => void;

interface BanLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** setTimeout's longest delay; a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class BanList {
  private readonly bans = new Map<string, Ban>();
  private readonly listeners = new Set<BanListener>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private store: BanStore,
    private readonly logger: BanLogger,
    private readonly now: () => number = Date.now,
    /** `cluster.node_id`, recorded on the bans made here; null on a single node. */
    private readonly nodeId: string | null = null,
  ) {}

  /**
   * Reads the stored list (bans that expired while RouteX was down are removed from the store),
   * then, with a shared store, what the other nodes know. `store` replaces the one given at
   * construction: a cluster node's shared store is only known once it started.
   */
  async load(store: BanStore = this.store): Promise<void> {
    this.store = store;
    const now = this.now();
    for (const ban of await store.load()) {
      if (ban.expiresAtMs !== null && ban.expiresAtMs <= now) void this.persist(() => store.delete(ban, 'expired'));
      else this.bans.set(ban.target, ban);
    }
    this.armExpiry();
    if (this.bans.size > 0) this.logger.info('bans loaded', { bans: this.bans.size });
    await store.share?.(this.shared);
  }

  get size(): number {
    return this.bans.size;
  }

  /** Active bans, newest first. */
  list(): Ban[] {
    return [...this.bans.values()].sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  get(target: string): Ban | undefined {
    return this.bans.get(target);
  }

  /** Bans `target` (a canonical CIDR) for `durationMs` (null: until unbanned), replacing a ban it had. */
  add(target: string, reason: string, source: string, durationMs: number | null): Ban {
    const createdAtMs = this.now();
    const ban: Ban = { target, reason, source, node: this.nodeId, createdAtMs, expiresAtMs: durationMs === null ? null : createdAtMs + durationMs };
    this.put(ban);
    void this.persist(() => this.store.save(ban));
    return ban;
  }

  /** Lifts a ban; undefined when `target` was not banned. */
  remove(target: string): Ban | undefined {
    const ban = this.bans.get(target);
    if (ban === undefined) return undefined;
    this.drop(ban, 'unbanned');
    this.armExpiry();
    return ban;
  }

  subscribe(listener: BanListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** What a shared store may change: bans made and lifted on other nodes, enforced like local ones but not stored again. */
  private readonly shared: SharedBanList = {
    list: () => this.list(),
    get: (target) => this.bans.get(target),
    addedElsewhere: (ban) => {
      if (ban.expiresAtMs === null || ban.expiresAtMs > this.now()) this.put(ban);
    },
    removedElsewhere: (target) => {
      const ban = this.bans.get(target);
      if (ban === undefined) return;
      this.drop(ban, 'unbanned', false);
      this.armExpiry();
    },
  };

  private put(ban: Ban): void {
    this.bans.set(ban.target, ban);
    const { target, reason, source, node } = ban;
    this.logger.info('ip banned', { target, reason, source, ...(node === null ? {} : { node }), expiresAt: ban.expiresAtMs === null ? null : new Date(ban.expiresAtMs).toISOString() });
    this.armExpiry();
    this.emit({ kind: 'added', ban });
  }

  private drop(ban: Ban, cause: BanRemovalCause, store = true): void {
    this.bans.delete(ban.target);
    if (store) void this.persist(() => this.store.delete(ban, cause));
    this.logger.info(cause === 'expired' ? 'ban expired' : 'ip unbanned', { target: ban.target, ...(store ? {} : { elsewhere: true }) });
    this.emit({ kind: 'removed', ban, cause });
  }

  private readonly expire = (): void => {
    this.timer = null;
    const now = this.now();
    for (const ban of [...this.bans.values()]) if (ban.expiresAtMs !== null && ban.expiresAtMs <= now) this.drop(ban, 'expired');
    this.armExpiry();
  };

  /** One timer, for the ban that expires first. */
  private armExpiry(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    let next = Number.POSITIVE_INFINITY;
    for (const ban of this.bans.values()) if (ban.expiresAtMs !== null && ban.expiresAtMs < next) next = ban.expiresAtMs;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(this.expire, Math.min(MAX_TIMER_MS, Math.max(0, next - this.now())));
    this.timer.unref();
  }

  private emit(change: BanChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private async persist(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger.error('cannot write the ban list, the change holds until restart', { error: (error as Error).message });
    }
  }
}
