// The ban list kept in step with RouteX's table while it exists: written whole when the table is
// made, then each change as it comes (see kernel-bans.ts), and the live flows of a newly banned
// client deleted so they end at once, as a ban closes a userspace proxy's connections.
import type { Ban } from '../../shared/bans/ban.js';
import type { BanChange } from '../bans/ban-list.js';
import type { FlowCleaner } from './flow-cleaner.js';
import { allBansScript, banChangeScript } from './kernel-bans.js';
import type { KernelProxy } from './kernel-proxy.js';
import type { NftTable } from './nft-table.js';

/** The ban list the table mirrors. */
export interface BanSource {
  list(): Ban[];
  subscribe(listener: (change: BanChange) => void): () => void;
}

export class BanMirror {
  /** Bans as written, to know when an added ban replaces one. */
  private written = new Map<string, Ban>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly source: BanSource,
    private readonly table: NftTable,
    private readonly flows: FlowCleaner,
    private readonly now: () => number,
  ) {}

  /** The lines that fill the ban sets of a table being made. */
  initialScript(): string[] {
    const bans = this.source.list();
    this.written = new Map(bans.map((ban) => [ban.target, ban]));
    return allBansScript(bans, this.now());
  }

  /** Follows the list; `run` queues each change with the table's other work. */
  follow(run: (work: () => Promise<void>) => void, proxies: () => Iterable<KernelProxy>): void {
    this.stop();
    this.unsubscribe = this.source.subscribe((change) => run(() => this.changed(change, proxies())));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private async changed(change: BanChange, proxies: Iterable<KernelProxy>): Promise<void> {
    if (this.unsubscribe === null) return;
    const replaced = change.kind === 'added' ? this.written.get(change.ban.target) : undefined;
    if (change.kind === 'added') this.written.set(change.ban.target, change.ban);
    else this.written.delete(change.ban.target);
    const bans = this.source.list();
    try {
      await this.table.apply(banChangeScript(change, bans, replaced, this.now()));
    } catch {
      // The kernel disagrees (an element expired a moment before RouteX's timer): write them all.
      await this.table.apply(allBansScript(bans, this.now()));
    }
    if (change.kind === 'added') for (const proxy of proxies) await this.flows.closeBanned(proxy, change.ban.target);
  }
}
