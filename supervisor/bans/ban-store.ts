// Where the ban list is kept between runs. The supervisor's `BanList` holds the live list and
// calls a store for each change; SQLite (`store/sqlite-ban-store.ts`) is the single-node store.
// A shared store (Redis, `cluster/redis-ban-store.ts`) implements the same interface plus `share`,
// through which it hands the list the changes other nodes make. The methods return promises so
// that a store can be remote.
import type { Ban } from '../../shared/bans/ban.js';

/** Why a ban leaves the list: lifted by someone, or its time ran out (every node sees that by itself). */
export type BanRemovalCause = 'unbanned' | 'expired';

/** What a shared store may do to the live list: changes made on other nodes. */
export interface SharedBanList {
  /** The bans in effect on this node now. */
  list(): Ban[];
  get(target: string): Ban | undefined;
  /** A ban made or replaced elsewhere: enforced here like a local one (same events, same workers). */
  addedElsewhere(ban: Ban): void;
  /** A ban lifted elsewhere. */
  removedElsewhere(target: string): void;
}

export interface BanStore {
  /** Every ban kept, expired ones included (the list drops those itself). */
  load(): Promise<Ban[]>;
  /** Adds the ban, or replaces the one with the same target. */
  save(ban: Ban): Promise<void>;
  /** Removes `ban` (the version the list held). */
  delete(ban: Ban, cause: BanRemovalCause): Promise<void>;
  /**
   * Shared stores only: called once, after `load`, with the live list. Resolves when the list
   * holds what the other nodes know (or at once when they cannot be reached now).
   */
  share?(list: SharedBanList): Promise<void>;
}

/** A store that keeps nothing: bans last until the supervisor exits. */
export class MemoryBanStore implements BanStore {
  private readonly bans = new Map<string, Ban>();

  async load(): Promise<Ban[]> {
    return [...this.bans.values()];
  }

  async save(ban: Ban): Promise<void> {
    this.bans.set(ban.target, ban);
  }

  async delete(ban: Ban): Promise<void> {
    this.bans.delete(ban.target);
  }
}
