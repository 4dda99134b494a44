// The ban list shared by every node: each ban a Redis key (with a TTL when it expires), each
// change published on one channel. The node's SQLite store stays its own copy, so a node
// restarted while Redis is away still enforces what it knew. While Redis is away, bans and
// unbans apply on this node at once and are kept; when it is back (and at start) the node and
// Redis catch up both ways: the newer version of each ban wins (see ban-scripts.ts).
import type { Ban } from '../../shared/bans/ban.js';
import type { BanRemovalCause, BanStore, SharedBanList } from '../bans/ban-store.js';
import { defineBanScripts, removeBan, saveBan, type SaveBanResult } from './ban-scripts.js';
import { scanBans } from './ban-scan.js';
import { compareBans, parseBanMessage, type BanMessage } from './ban-wire.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { LinkLogger, RedisLink } from './redis-link.js';

/** How long an unban's tombstone stays: a node away for longer may bring a lifted ban back. */
export const UNBAN_KEPT_MS = 7 * 24 * 3_600_000;
const ERROR_LOG_EVERY_MS = 60_000;
/**
 * How long a node remembers an unban after Redis has it: a ban message sent before the unban
 * (it travels on the subscriber connection, the unban's reply on the other) must not bring it back.
 */
const RECENT_UNBAN_MS = 60_000;
/** Passes of one catch-up (changes made during a pass need another). */
const MAX_SYNC_PASSES = 3;
/** A catch-up or write that failed while Redis is connected (out of memory, a missing ACL right) is tried again this often. */
const RETRY_MS = 2000;

export interface ClusterIdentity {
  /** `cluster.node_id`. */
  node: string;
  /** Random per process: a node ignores its own messages on the channel. */
  instance: string;
}

export class RedisBanStore implements BanStore {
  private list: SharedBanList | null = null;
  /** True once this node and Redis agree, until the link drops. */
  private synced = false;
  /** Unbans this node knows of: target → when (bans made before that are lifted), and whether Redis has it. */
  private readonly unbans = new Map<string, { atMs: number; pushed: boolean }>();
  private unsynced = false;
  private syncing: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private lastErrorLogMs = 0;

  constructor(
    private readonly local: BanStore,
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly identity: ClusterIdentity,
    private readonly logger: LinkLogger,
    private readonly now: () => number = Date.now,
  ) {
    defineBanScripts(link.commands);
  }

  /** Unbans waiting for Redis. */
  get pendingUnbans(): number {
    let pending = 0;
    for (const unban of this.unbans.values()) if (!unban.pushed) pending++;
    return pending;
  }

  load(): Promise<Ban[]> {
    return this.local.load();
  }

  async save(ban: Ban): Promise<void> {
    await this.local.save(ban);
    this.unbans.delete(ban.target);
    if (!this.synced) {
      this.unsynced = true;
      return;
    }
    try {
      await this.push(ban, false);
    } catch (error) {
      this.unsynced = true;
      this.writeFailed(error);
    }
  }

  /** Stops a pending retry (the link is closing). */
  close(): void {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }

  async delete(ban: Ban, cause: BanRemovalCause): Promise<void> {
    await this.local.delete(ban, cause);
    // Every node expires a ban by itself (and Redis by its TTL): only an unban is news.
    if (cause === 'expired') return;
    // A ban whose creator's clock runs ahead of ours is still the one being lifted.
    const atMs = Math.max(this.now(), ban.createdAtMs);
    this.forgetOldUnbans();
    const unban = { atMs, pushed: false };
    this.unbans.set(ban.target, unban);
    if (this.synced) {
      try {
        await this.pushUnban(ban.target, atMs);
        unban.pushed = true;
        return;
      } catch (error) {
        this.writeFailed(error);
      }
    }
    this.unsynced = true;
  }

  async share(list: SharedBanList): Promise<void> {
    this.list = list;
    this.link.onDown(() => (this.synced = false));
    this.link.onUp(() => this.sync());
    const subscribed = this.link.subscribe(this.keys.banChannel, (text) => void this.received(text));
    if (!this.link.connected) {
      subscribed.catch(() => undefined);
      return;
    }
    await subscribed;
    await this.sync();
  }

  private sync(): Promise<void> {
    this.syncing ??= this.syncPasses()
      .catch((error: unknown) => this.writeFailed(error))
      .finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async syncPasses(): Promise<void> {
    for (let pass = 0; pass < MAX_SYNC_PASSES && this.link.connected; pass++) {
      this.unsynced = false;
      await this.catchUp();
      if (!this.unsynced) break;
    }
    this.synced = this.link.connected;
  }

  /** This node's unbans and bans to Redis, then Redis's bans to this node. */
  private async catchUp(): Promise<void> {
    const list = this.list!;
    let unbansPushed = 0;
    for (const [target, unban] of [...this.unbans]) {
      if (unban.pushed) continue;
      await this.pushUnban(target, unban.atMs);
      unban.pushed = true;
      unbansPushed++;
    }
    const { pushed, lifted } = await this.pushAll(list.list());
    let pulled = 0;
    for (const ban of await scanBans(this.link.commands, this.keys)) if (await this.adopt(ban)) pulled++;
    if (unbansPushed + pushed + lifted + pulled > 0) this.logger.info('cluster ban list caught up', { pushed, unbansPushed, pulled, lifted });
  }

  /** Offers every local ban to Redis in one pipeline; bans lifted elsewhere meanwhile are lifted here. */
  private async pushAll(bans: Ban[]): Promise<{ pushed: number; lifted: number }> {
    const live = bans.filter((ban) => ban.expiresAtMs === null || ban.expiresAtMs > this.now());
    if (live.length === 0) return { pushed: 0, lifted: 0 };
    const pipeline = this.link.commands.pipeline();
    for (const ban of live) saveBan(pipeline, ...this.saveArgs(ban, true));
    const results = (await pipeline.exec()) ?? [];
    let pushed = 0;
    let lifted = 0;
    for (const [i, [error, result]] of results.entries()) {
      if (error) throw error;
      const ban = live[i]!;
      if (result === 'saved') pushed++;
      if (result === 'lifted' && this.list!.get(ban.target) === ban) {
        await this.local.delete(ban, 'unbanned');
        this.list!.removedElsewhere(ban.target);
        lifted++;
      }
    }
    return { pushed, lifted };
  }

  private async push(ban: Ban, respectUnbans: boolean): Promise<SaveBanResult | 'expired'> {
    if (ban.expiresAtMs !== null && ban.expiresAtMs <= this.now()) return 'expired';
    return saveBan(this.link.commands, ...this.saveArgs(ban, respectUnbans));
  }

  /**
   * A ban made now replaces any earlier unban; on catching up, an unban newer than the ban wins
   * (another node lifted it while this one was away).
   */
  private saveArgs(ban: Ban, respectUnbans: boolean): (string | number)[] {
    const ttlMs = ban.expiresAtMs === null ? 0 : Math.max(1, ban.expiresAtMs - this.now());
    const message: BanMessage = { op: 'added', from: this.identity.instance, ban };
    const { target } = ban;
    return [this.keys.ban(target), this.keys.unban(target), JSON.stringify(ban), ban.createdAtMs, ban.node ?? '', ttlMs, this.keys.banChannel, JSON.stringify(message), respectUnbans ? 1 : 0];
  }

  private pushUnban(target: string, atMs: number): Promise<unknown> {
    const { node, instance } = this.identity;
    const message: BanMessage = { op: 'removed', from: instance, target, node, atMs };
    return removeBan(this.link.commands, this.keys.ban(target), this.keys.unban(target), atMs, JSON.stringify({ atMs, node }), UNBAN_KEPT_MS, this.keys.banChannel, JSON.stringify(message));
  }

  /** Takes a ban from another node unless this node holds a newer version or lifted it later. */
  private async adopt(ban: Ban): Promise<boolean> {
    if (ban.expiresAtMs !== null && ban.expiresAtMs <= this.now()) return false;
    const current = this.list!.get(ban.target);
    if (current !== undefined && compareBans(ban, current) <= 0) return false;
    const unban = this.unbans.get(ban.target);
    if (unban !== undefined && unban.atMs >= ban.createdAtMs) return false;
    await this.local.save(ban);
    this.list!.addedElsewhere(ban);
    return true;
  }

  private async received(text: string): Promise<void> {
    const message = parseBanMessage(text);
    if (message === undefined || message.from === this.identity.instance || this.list === null) return;
    try {
      if (message.op === 'added') {
        await this.adopt(message.ban);
        return;
      }
      this.forgetOldUnbans();
      this.unbans.set(message.target, { atMs: message.atMs, pushed: true });
      const current = this.list.get(message.target);
      if (current === undefined || current.createdAtMs > message.atMs) return;
      await this.local.delete(current, 'unbanned');
      this.list.removedElsewhere(message.target);
    } catch (error) {
      this.writeFailed(error);
    }
  }

  private forgetOldUnbans(): void {
    const before = this.now() - RECENT_UNBAN_MS;
    for (const [target, unban] of this.unbans) if (unban.pushed && unban.atMs < before) this.unbans.delete(target);
  }

  /**
   * A write or catch-up failed. While Redis is connected (out of memory with noeviction, an ACL
   * right missing) the node catches up again every RETRY_MS, logging at most once a minute; an
   * outage is the link's to report, and its end starts the catch-up.
   */
  private writeFailed(error: unknown): void {
    if (!this.link.connected) return;
    this.synced = false;
    this.retry ??= setTimeout(() => {
      this.retry = null;
      if (this.link.connected && !this.synced) void this.sync();
    }, RETRY_MS);
    this.retry.unref();
    const now = this.now();
    if (now - this.lastErrorLogMs < ERROR_LOG_EVERY_MS) return;
    this.lastErrorLogMs = now;
    this.logger.error('cluster ban list write failed; this node enforces its list and tries again', { error: (error as Error).message });
  }
}
