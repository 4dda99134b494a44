// The kernel side of RouteX's defence, per proxy: validate → scan → remove the old rules → create
// the new ones (one atomic batch per family) → log the count. Every kernel change goes through one
// queue, so a reload, an API flush and a ban never interleave their batches.
import { isDeepStrictEqual } from 'node:util';
import type { IptablesConfig } from '../../shared/config/resolved-types.js';
import type { Logger } from '../logging/logger.js';
import { BanSets, type KernelBan } from './ban-sets.js';
import { runCommand, type RunCommand } from './command-runner.js';
import { DropLedger } from './drop-ledger.js';
import { familiesOf, namingOf, planFor, planProblem, type FirewallPlan, type HostAbilities } from './firewall-plan.js';
import type { FirewallNaming } from './firewall-names.js';
import { FirewallStatusBook, type ProxyFirewallStatus } from './firewall-status.js';
import { FragmentTable } from './fragment-table.js';
import { probeHost } from './host-probe.js';
import type { IptablesFamily } from './iptables-family.js';
import { kernelRules, type DropCount, type KernelRule } from './kernel-view.js';
import { entryToTopBatch } from './restore-batch.js';
import type { ProxyRuleInput } from './rule-builder.js';
import type { IpFamily } from './rule-kinds.js';
import { RuleWriter } from './rule-writer.js';

/** The ban list the kernel mirrors: what is banned now, and each change (a ban, an unban, an expiry) as it happens. */
export interface BanFeed {
  list(): KernelBan[];
  subscribe(listener: (change: { kind: 'added' | 'removed'; ban: KernelBan }) => void): () => void;
}

const NO_HOST: HostAbilities = { families: new Map(), nftProblem: null, banSets: new Map() };

export class FirewallManager {
  private names: FirewallNaming;
  private tables: IptablesFamily[] = [];
  private fragments: FragmentTable;
  private writer: RuleWriter;
  private bans: BanSets;
  private host: HostAbilities = NO_HOST;
  /** Why no proxy gets kernel rules (iptables off, not root, no binary); null when they can. */
  private problem: string | null = 'not started';
  private banProblem: string | null = 'not started';
  private readonly book = new FirewallStatusBook();
  private readonly ledger = new DropLedger();
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribeBans: (() => void) | null = null;

  constructor(
    private config: IptablesConfig,
    private readonly logger: Logger,
    private readonly run: RunCommand = runCommand,
    private readonly banFeed: BanFeed | null = null,
  ) {
    this.names = namingOf(config);
    this.fragments = new FragmentTable(run, this.names);
    this.bans = new BanSets(run, this.names, familiesOf(config));
    this.writer = new RuleWriter([], null, this.names, this.ledger);
  }

  /**
   * Probes the host, clears old rules if `flush_on_start`, then installs `proxies`' rules. Rules
   * an earlier run left for a `known` proxy that does not run now (disabled) are removed; those of
   * proxies that no longer exist are reported, for the orphan sweep.
   */
  start(proxies: ProxyRuleInput[], known: string[]): Promise<void> {
    return this.enqueue(async () => {
      await this.prepare();
      if (this.problem === null) await this.clearLeftovers(proxies, known);
      await this.syncNow(proxies);
    });
  }

  /** Brings the kernel in line with the running proxies: new and changed ones applied, gone ones removed. */
  sync(proxies: ProxyRuleInput[]): Promise<void> {
    return this.enqueue(() => this.syncNow(proxies));
  }

  /** A changed `iptables` block: everything under the old settings goes, then the new start. */
  reconfigure(next: IptablesConfig, proxies: ProxyRuleInput[]): Promise<void> {
    if (isDeepStrictEqual(next, this.config)) return this.sync(proxies);
    return this.enqueue(async () => {
      await this.teardown();
      this.config = next;
      this.names = namingOf(next);
      this.fragments = new FragmentTable(this.run, this.names);
      this.bans = new BanSets(this.run, this.names, familiesOf(next));
      this.book.clear();
      await this.prepare();
      await this.syncNow(proxies);
    });
  }

  /** Removes one proxy's rules and, when it runs (`proxy` given), creates them again (POST /api/iptables/flush/{proxy}). */
  flush(name: string, proxy: ProxyRuleInput | undefined): Promise<ProxyFirewallStatus> {
    return this.enqueue(async () => {
      await this.remove(name);
      this.book.forget(name);
      if (proxy !== undefined) await this.ensure(proxy);
      return this.status(name);
    });
  }

  /** Removes the rules of every proxy not in `known` (POST /api/iptables/orphan-sweep). */
  orphanSweep(known: string[]): Promise<{ proxy: string; rules: number }[]> {
    return this.enqueue(async () => {
      const removed: { proxy: string; rules: number }[] = [];
      for (const proxy of await this.orphans(known)) {
        removed.push({ proxy, rules: await this.remove(proxy) });
        this.book.forget(proxy);
      }
      if (removed.length > 0) this.logger.info('iptables orphan sweep removed rules', { proxies: removed.map((r) => r.proxy), rules: removed.reduce((n, r) => n + r.rules, 0) });
      return removed;
    });
  }

  /** Removes every RouteX rule (on shutdown: a stopped RouteX leaves no rules behind). */
  stop(): Promise<void> {
    return this.enqueue(() => this.teardown());
  }

  status(proxy: string): ProxyFirewallStatus {
    const state = this.problem === null ? 'none' : this.config.enabled ? 'unavailable' : 'disabled';
    return this.book.get(proxy, { state, reason: this.problem ?? 'the proxy is not running', rules: 0, updatedAt: null });
  }

  get naming(): FirewallNaming {
    return this.names;
  }

  /** Why there are no kernel rules at all, or null when RouteX manages them. */
  get unavailableReason(): string | null {
    return this.problem;
  }

  get bansUnavailableReason(): string | null {
    return this.problem ?? this.banProblem;
  }

  get familiesManaged(): IpFamily[] {
    return [...this.host.families.keys()];
  }

  /** The rules `proxy` would get here, and why they could not be installed (null: they could). */
  preview(proxy: ProxyRuleInput): { plan: FirewallPlan; problem: string | null } {
    // Without a usable iptables, the rules are still built as the config asks.
    const assumed: HostAbilities = { ...NO_HOST, families: new Map(familiesOf(this.config).map((f) => [f, { unusable: null, missingModules: new Map() }])) };
    const host = this.problem === null ? this.host : assumed;
    const plan = planFor(proxy, this.config, host);
    return { plan, problem: this.problem ?? planProblem(plan, host) };
  }

  /** RouteX's rules from the kernel, per proxy, with their counters. */
  async kernelRules(): Promise<Map<string, KernelRule[]>> {
    if (this.problem !== null) return new Map();
    const tables = new Map(await Promise.all(this.tables.map(async (t) => [t.family, await t.scan()] as const)));
    const fragments = this.host.nftProblem === null ? await this.fragments.scan().catch(() => []) : [];
    return kernelRules(this.names, tables, fragments);
  }

  /** Reads the kernel's counters for `drops` (before a metrics reading). */
  async refreshDrops(): Promise<void> {
    if (this.problem !== null) return;
    const epoch = this.ledger.epoch;
    this.ledger.observe(await this.kernelRules(), new Set(this.book.names()), epoch);
  }

  /** What the kernel dropped for `proxy` per rule kind since the supervisor started, as of the last refresh. */
  drops(proxy: string): DropCount[] {
    return this.ledger.drops(proxy);
  }

  async banSetSizes(): Promise<Map<IpFamily, number>> {
    return this.bansUnavailableReason === null ? this.bans.sizes() : new Map();
  }

  /** Proxies with rules in the kernel that are not in `known`. */
  async orphans(known: string[]): Promise<string[]> {
    const knownSet = new Set(known);
    return [...(await this.kernelRules()).keys()].filter((name) => !knownSet.has(name)).sort();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch((error: unknown) => this.logger.error('iptables operation failed', { error: (error as Error).message }));
    return run;
  }

  private async prepare(): Promise<void> {
    if (!this.config.enabled) {
      this.problem = 'iptables.enabled is false in global.yaml';
      this.banProblem = this.problem;
      return;
    }
    this.banProblem = await this.startBans();
    const probed = await probeHost(this.config, this.names, this.run, this.bans, this.banProblem, this.fragments, this.logger);
    this.problem = probed.problem;
    if (this.problem !== null) {
      this.logger.warn('iptables unusable, proxies run without kernel rules', { reason: this.problem });
      return;
    }
    this.tables = probed.tables;
    this.host = probed.host;
    this.writer = new RuleWriter(this.tables, this.host.nftProblem === null ? this.fragments : null, this.names, this.ledger);
    if (this.banProblem !== null && this.banFeed !== null) this.logger.warn('kernel bans unavailable, bans apply in the workers only', { reason: this.banProblem });
    if (this.config.flushOnStart) {
      await this.writer.removeAll();
      this.logger.info('iptables flush_on_start: removed every RouteX rule');
    }
    for (const table of this.tables) {
      const batch = entryToTopBatch(await table.scan(), this.names);
      if (batch !== '') await table.restore(batch);
    }
  }

  /** Creates the ban sets with the current ban list and follows its changes. Null, or why not. */
  private async startBans(): Promise<string | null> {
    if (this.banFeed === null) return 'no ban list';
    const problem = await this.bans.probe();
    if (problem !== null) return problem;
    const bans = this.banFeed.list();
    const started = performance.now();
    try {
      await this.bans.replaceAll(bans);
    } catch (error) {
      return (error as Error).message;
    }
    this.logger.info('kernel bans installed', { bans: bans.length, durationMs: Math.round(performance.now() - started) });
    this.unsubscribeBans?.();
    this.unsubscribeBans = this.banFeed.subscribe((change) => {
      void this.enqueue(async () => {
        if (this.banProblem !== null) return;
        if (change.kind === 'added') await this.bans.add(change.ban);
        else await this.bans.remove(change.ban.target);
      });
    });
    return null;
  }

  private async syncNow(proxies: ProxyRuleInput[]): Promise<void> {
    const wanted = new Set(proxies.map((p) => p.name));
    for (const name of this.book.names()) {
      if (wanted.has(name)) continue;
      if (this.problem === null) await this.remove(name);
      this.book.forget(name);
    }
    for (const proxy of proxies) await this.ensure(proxy);
  }

  private async ensure(proxy: ProxyRuleInput): Promise<void> {
    if (this.problem !== null) {
      this.book.set(proxy.name, '', { state: this.config.enabled ? 'unavailable' : 'disabled', reason: this.problem, rules: 0 });
      return;
    }
    const plan = planFor(proxy, this.config, this.host);
    const previous = this.book.fingerprint(proxy.name);
    if (previous === plan.fingerprint) return;
    try {
      const problem = planProblem(plan, this.host);
      if (problem !== null) throw new Error(problem);
      await this.writer.replace(proxy.name, plan, previous !== undefined, this.config.autoCreateChains);
      this.book.set(proxy.name, plan.fingerprint, { state: plan.ruleCount > 0 ? 'installed' : 'none', reason: null, rules: plan.ruleCount });
      if (plan.ruleCount > 0) this.logger.info('iptables rules applied', { proxy: proxy.name, rules: plan.ruleCount });
    } catch (error) {
      const reason = (error as Error).message;
      const removed = await this.remove(proxy.name).catch(() => 0);
      if (this.status(proxy.name).reason !== reason) this.logger.warn('iptables rules not applied, proxy runs without them', { proxy: proxy.name, reason, removed });
      this.book.set(proxy.name, plan.fingerprint, { state: 'failed', reason, rules: 0 });
    }
  }

  /** Removes one proxy's rules from every table; resolves with how many went. */
  private async remove(proxy: string): Promise<number> {
    const removed = await this.writer.replace(proxy, null, this.book.fingerprint(proxy) !== undefined, true);
    if (removed > 0) this.logger.info('iptables rules removed', { proxy, rules: removed });
    return removed;
  }

  private async clearLeftovers(proxies: ProxyRuleInput[], known: string[]): Promise<void> {
    const running = new Set(proxies.map((p) => p.name));
    const knownSet = new Set(known);
    const orphans: string[] = [];
    for (const name of (await this.kernelRules()).keys()) {
      if (!knownSet.has(name)) orphans.push(name);
      else if (!running.has(name)) await this.remove(name);
    }
    if (orphans.length > 0) this.logger.warn('iptables rules of proxies that no longer exist; POST /api/iptables/orphan-sweep removes them', { proxies: orphans.sort() });
  }

  private async teardown(): Promise<void> {
    this.unsubscribeBans?.();
    this.unsubscribeBans = null;
    if (this.problem === null) {
      await this.writer.removeAll();
      this.logger.info('iptables rules removed', { proxies: this.book.names().length });
    }
    if (this.banProblem === null) await this.bans.destroy();
    this.problem = 'stopped';
    this.banProblem = 'stopped';
    this.ledger.clear();
  }
}
