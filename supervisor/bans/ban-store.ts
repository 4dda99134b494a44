// Where the ban list is kept between runs. The supervisor's `BanList` holds the live list and
// calls a store for each change; SQLite (`store/sqlite-ban-store.ts`) is the single-node store.
// A shared store (Redis, for several nodes) implements the same interface; the methods return
// promises so that one can be remote.
import type { Ban } from '../../shared/bans/ban.js';

export interface BanStore {
  /** Every ban kept, expired ones included (the list drops those itself). */
  load(): Promise<Ban[]>;
  /** Adds the ban, or replaces the one with the same target. */
  save(ban: Ban): Promise<void>;
  delete(target: string): Promise<void>;
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

  async delete(target: string): Promise<void> {
    this.bans.delete(target);
  }
}
