import { isDeepStrictEqual } from 'node:util';
import type { GlobalConfig } from '../shared/config/resolved-types.js';
import { formatIssue } from '../shared/config/errors.js';
import { readConfigText } from '../shared/config/yaml-source.js';
import type { GlobalParseResult } from '../shared/config/load-global.js';
import type { Logger } from './logging/logger.js';
import { ConfigChecker } from './config/config-checker.js';
import { ProxyDirectory, type ProxyFile } from './config/proxy-directory.js';
import { ConfigRejectionLog } from './config/rejection-log.js';
import { EventLoopLag } from './stats/event-loop-lag.js';
import { ProxyWatcher } from './config/proxy-watcher.js';
import { ProxyFleet, type ReconcileReport } from './workers/proxy-fleet.js';
import { ApiServer } from './api/api-server.js';
import { ApiKeyring } from './api/auth.js';
import type { ApiContext } from './api/api-context.js';
import { BandwidthManager } from './bandwidth/bandwidth-manager.js';
import { systemClock, type Clock } from './clock.js';
import { MetricsService } from './metrics/metrics-service.js';
import { StateStore } from './store/state-store.js';
import { SupervisorEvents } from './events/supervisor-events.js';
import { assertSafeApiExposure } from './api/api-exposure.js';
import { L7Service } from './bans/l7-service.js';
import { FirewallManager } from './firewall/firewall-manager.js';
import { runCommand } from './firewall/command-runner.js';
import type { ProxyRuleInput } from './firewall/rule-builder.js';
import type { ClusterNode, ClusterStatus } from './cluster/cluster-node.js';
import { KernelForwarder } from './kernel-path/kernel-forwarder.js';
import { kernelConfigsOf } from './kernel-path/kernel-configs.js';

export interface SupervisorPaths {
  globalFile: string;
  proxiesDir: string;
}

/** How long start-up waits for each new worker to report ready before moving on. */
const START_SETTLE_MS = 15_000;

/**
 * The supervisor: owns the config files, one controller per proxy file, the watcher and the
 * REST API. Reloads are serialised: a watcher event, a SIGHUP and an API call never overlap.
 */
export class Supervisor {
  readonly fleet: ProxyFleet;
  readonly startedAt = new Date();
  readonly store: StateStore;
  readonly bandwidth: BandwidthManager;
  readonly metrics: MetricsService;
  readonly events = new SupervisorEvents();
  /** The API keys; a SIGHUP that changes `api.api_keys` swaps them in place. */
  private readonly keyring: ApiKeyring;
  readonly l7: L7Service;
  readonly firewall: FirewallManager;
  /** data_path: kernel proxies: RouteX's nftables table, their flows and counters. */
  readonly kernel: KernelForwarder;
  private kernelPrepared = false;
  private watcher: ProxyWatcher;
  /** Parses proxy files and global.yaml off the event loop, for reloads. */
  private readonly fileChecker: ConfigChecker;
  /** Parses API request bodies off the event loop; apart, so a flood of them never delays a reload. */
  private readonly bodyChecker: ConfigChecker;
  private readonly directory: ProxyDirectory;
  private readonly rejections: ConfigRejectionLog;
  /** How long the event loop was held up lately: the `event_loop_lag_seconds` metric. */
  private readonly eventLoopLag = new EventLoopLag();
  private api: ApiServer | null = null;
  /** Set at start when `cluster.enabled`: the Redis link, shared bans and cluster-wide usage. */
  private cluster: ClusterNode | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private shuttingDown = false;
  private firewallStarted = false;

  constructor(
    private readonly paths: SupervisorPaths,
    private global: GlobalConfig,
    private readonly logger: Logger,
    clock: Clock = systemClock,
  ) {
    this.keyring = new ApiKeyring(global.api.apiKeys);
    const onInline = (reason: string): void => logger.warn('config checks run on the main thread: no checker thread can start', { error: reason });
    this.fileChecker = new ConfigChecker({ timeoutMs: 20_000, maxHeapMb: 512, onInline });
    this.bodyChecker = new ConfigChecker({ timeoutMs: 10_000, maxHeapMb: 512, onInline });
    this.store = StateStore.open(global.metrics.sqlitePath, logger.child({ component: 'store' }));
    const nodeId = global.cluster.enabled ? global.cluster.nodeId : null;
    this.l7 = new L7Service(this.store, logger.child({ component: 'l7' }), (message) => this.fleet.broadcast(message), this.events, nodeId);
    this.kernel = new KernelForwarder({
      logger: logger.child({ component: 'kernel' }),
      bans: this.l7.banList,
      // The kernel's counters of a proxy are recorded like a worker's report (under a key of their own).
      report: (name, instance, report) => {
        const stats = this.fleet.byName(name)?.stats;
        if (report === null) stats?.workerExited(instance);
        else stats?.record(instance, report);
      },
    });
    this.fleet = new ProxyFleet(logger, undefined, this.events, this.l7, this.kernel);
    const proxies = () => this.fleet.list();
    this.bandwidth = new BandwidthManager({ list: proxies }, this.store.bandwidth, () => this.global.timezone, logger.child({ component: 'bandwidth' }), clock);
    // With iptables on, the ban list is mirrored into the kernel too (ipset), so banned flooders cost the workers nothing.
    this.firewall = new FirewallManager(global.iptables, logger.child({ component: 'firewall' }), runCommand, this.l7.banList);
    const supervisorState = () => ({ bansActive: this.l7.banList.size, clusterConnected: this.cluster?.connected === true ? 1 : 0, eventLoopLagMs: this.eventLoopLag.maxMs });
    this.metrics = new MetricsService(proxies, this.store.metrics, this.bandwidth, () => this.global.metrics, logger.child({ component: 'metrics' }), clock, supervisorState, this.firewall);
    this.watcher = new ProxyWatcher(
      paths.proxiesDir,
      () => void this.reload('file change'),
      (error) => logger.warn('proxies folder watch error', { dir: paths.proxiesDir, error: error.message }),
    );
    this.directory = new ProxyDirectory(paths.proxiesDir, (text, file, global) => this.fileChecker.check({ kind: 'proxy-text', text, file, global }));
    this.rejections = new ConfigRejectionLog(logger);
  }

  get apiPort(): number | undefined {
    return this.api?.port;
  }

  async start(): Promise<void> {
    this.eventLoopLag.start();
    this.fileChecker.warmUp();
    this.bodyChecker.warmUp();
    // Watch first: a file written while the first workers start is then picked up by a reload
    // queued behind the initial one, never missed.
    await this.watcher.start();
    // A cluster file that cannot be read stops the start before anything listens.
    if (this.global.cluster.enabled) await this.joinCluster();
    if (this.global.api.enabled) {
      this.api = new ApiServer(this.apiContext(), this.global.api);
      await this.api.start();
      this.logger.info('api listening', { bind: `${this.global.api.host}:${this.api.port}`, tls: this.global.api.tls.enabled });
    }
    this.bandwidth.start();
    this.metrics.start();
    // Bans first: every worker starts with the whole list.
    await this.l7.start(this.cluster?.bans);
    const report = await this.reload('start');
    await Promise.all(this.fleet.list().map((c) => c.settled(START_SETTLE_MS)));
    const running = this.fleet.list().filter((c) => c.state === 'running').length;
    if (report.started.length === 0) this.logger.warn('no enabled proxy configs found, nothing to proxy', { dir: this.paths.proxiesDir });
    this.logger.info('routex started', { proxies: running, invalid: report.invalid.length });
  }

  /** Re-reads the proxies folder (and global.yaml on SIGHUP) and applies what changed. */
  reload(reason: string, rereadGlobal = false): Promise<ReconcileReport> {
    const run = this.queue.then(() => this.reloadNow(reason, rereadGlobal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async shutdown(signal: string): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.info('shutting down, draining proxies', { signal });
    await this.watcher.close();
    await this.queue;
    await this.fleet.stopAll();
    await this.kernel.close();
    await this.firewall.stop().catch(() => undefined);
    await this.api?.close();
    // The workers' last counter reports are in: count them, write the last sample, close the file.
    this.bandwidth.stop();
    this.metrics.stop();
    this.l7.close();
    const shared = this.fleet.list().filter((c) => c.config?.bandwidth.scope === 'cluster' && c.name !== undefined).map((c) => c.name!);
    await this.cluster?.close(shared, Date.now(), this.global.timezone);
    this.store.close();
    await Promise.all([this.fileChecker.close(), this.bodyChecker.close()]);
    this.eventLoopLag.stop();
    this.logger.info('routex stopped');
  }

  /** The Redis client is loaded here, and only here: a single node never loads it. */
  private async joinCluster(): Promise<void> {
    const { startClusterNode } = await import('./cluster/cluster-node.js');
    this.cluster = await startClusterNode(this.global.cluster, this.store.bans, this.logger.child({ component: 'cluster' }));
    this.bandwidth.useSharedUsage(this.cluster.usage);
  }

  /** `/api/system`'s view of the cluster. */
  clusterStatus(): ClusterStatus | { enabled: false } {
    return this.cluster?.status() ?? { enabled: false };
  }

  private async reloadNow(reason: string, rereadGlobal: boolean): Promise<ReconcileReport> {
    if (rereadGlobal) await this.reloadGlobal();
    let files: ProxyFile[];
    try {
      const scan = await this.directory.read(this.global);
      files = scan.files;
      this.watcher.followTargets(scan.linkTargets);
    } catch (error) {
      this.logger.error('cannot read proxies folder, nothing changed', { dir: this.paths.proxiesDir, error: (error as Error).message });
      return { started: [], reconfigured: [], restarted: [], stopped: [], unchanged: [], invalid: [] };
    }
    if (!this.kernelPrepared) {
      // What an earlier run left in the kernel is adopted or removed before any proxy installs.
      this.kernelPrepared = true;
      await this.kernel.prepare(kernelConfigsOf(files));
    }
    const report = await this.fleet.reconcile(files, this.global);
    this.logProblems(files, report);
    this.metrics.reloadErrors.recordProxyFiles(files, report.invalid);
    await this.syncFirewall().catch(() => undefined);
    // Quotas of proxies just started or reconfigured apply before their workers listen.
    this.bandwidth.enforceAll();
    const changed = report.started.length + report.reconfigured.length + report.restarted.length + report.stopped.length;
    if (reason !== 'start' && (changed > 0 || report.invalid.length > 0)) {
      this.logger.info('config reloaded', { reason, started: report.started, reconfigured: report.reconfigured, restarted: report.restarted, stopped: report.stopped, invalid: report.invalid.map((i) => i.file) });
    }
    return report;
  }

  /** Proxies whose kernel rules should be in place: configured, enabled and not stopped. */
  firewallProxies(): ProxyRuleInput[] {
    const inactive = new Set(['disabled', 'stopped', 'stopping', 'invalid']);
    // A data_path: kernel proxy's packets never reach INPUT: its bans and ACL live in RouteX's nftables table.
    return this.fleet.list().flatMap((c) => (c.config !== null && c.config.enabled && c.config.dataPath === 'userspace' && !inactive.has(c.state) ? [c.config] : []));
  }

  /** Every proxy that has a file now (running or not): rules of any other name are orphans. */
  knownProxyNames(): string[] {
    return this.fleet.list().flatMap((c) => (c.name === undefined ? [] : [c.name]));
  }

  private syncFirewall(): Promise<void> {
    const proxies = this.firewallProxies();
    if (!this.firewallStarted) {
      this.firewallStarted = true;
      return this.firewall.start(proxies, this.knownProxyNames());
    }
    return this.firewall.reconfigure(this.global.iptables, proxies);
  }

  /** Each file's own problems and the cross-file ones, logged when they change. */
  private logProblems(files: ProxyFile[], report: ReconcileReport): void {
    const issuesOf = new Map(report.invalid.map((i) => [i.file, i.issues]));
    this.rejections.record(
      files.map((f) => ({ ...f, issues: issuesOf.get(f.file) ?? [] })),
      (file) => {
        const controller = this.fleet.byFile(file);
        return { proxy: controller?.displayName ?? file, keeps: controller?.name ?? null };
      },
    );
  }

  private async readGlobal(): Promise<GlobalParseResult> {
    const read = readConfigText(this.paths.globalFile);
    if ('issue' in read) return { issues: [read.issue], warnings: [] };
    try {
      return await this.fileChecker.check({ kind: 'global-text', text: read.text, file: this.paths.globalFile });
    } catch (error) {
      return { issues: [{ file: this.paths.globalFile, path: '', message: `cannot check the file: ${(error as Error).message}` }], warnings: [] };
    }
  }

  private async reloadGlobal(): Promise<void> {
    const parsed = await this.readGlobal();
    if (parsed.config === undefined || parsed.issues.length > 0) {
      for (const issue of parsed.issues) this.logger.error('global config rejected, keeping the running one', { problem: formatIssue(issue) });
      this.metrics.reloadErrors.recordGlobalRejected();
      return;
    }
    for (const warning of parsed.warnings) this.logger.warn('config warning', { problem: formatIssue(warning) });
    const next = parsed.config;
    this.applyApiChanges(next);
    if (!isDeepStrictEqual(next.cluster, this.global.cluster)) {
      this.logger.warn('cluster settings changed; restart routex to apply them');
      // Proxy files are checked against the cluster this node runs (bandwidth.scope: cluster).
      next.cluster = this.global.cluster;
    }
    if (next.metrics.sqlitePath !== this.global.metrics.sqlitePath) this.logger.warn('metrics.sqlite_path changed; restart routex to apply it');
    if (next.logging.format !== this.global.logging.format || next.logging.output !== this.global.logging.output || next.logging.filePath !== this.global.logging.filePath) {
      this.logger.warn('log output settings changed; restart routex to apply them');
    }
    this.logger.level = next.logging.level;
    this.global = next;
  }

  /** New keys apply at once (a revoked key stops working, open event streams end); the listener's settings need a restart. */
  private applyApiChanges(next: GlobalConfig): void {
    const { apiKeys: nextKeys, ...nextListener } = next.api;
    const { apiKeys: keys, ...listener } = this.global.api;
    if (!isDeepStrictEqual(nextListener, listener)) this.logger.warn('api settings changed; restart routex to apply them');
    if (isDeepStrictEqual(nextKeys, keys)) return;
    try {
      assertSafeApiExposure({ ...this.global.api, apiKeys: nextKeys });
    } catch (error) {
      this.logger.error('api keys rejected, keeping the running ones', { error: (error as Error).message });
      next.api.apiKeys = keys;
      return;
    }
    this.keyring.replace(nextKeys);
    this.logger.info('api keys reloaded', { keys: nextKeys.length });
  }

  private apiContext(): ApiContext {
    return {
      fleet: this.fleet,
      keyring: this.keyring,
      events: this.events,
      logger: this.logger.child({ component: 'api' }),
      startedAt: this.startedAt,
      global: () => this.global,
      proxiesDir: () => this.paths.proxiesDir,
      reload: () => this.reload('api'),
      bandwidth: this.bandwidth,
      metrics: this.metrics,
      l7: this.l7,
      globalFile: () => this.paths.globalFile,
      reloadGlobal: () => this.reload('api', true),
      firewall: this.firewall,
      firewallProxies: () => this.firewallProxies(),
      kernel: this.kernel,
      knownProxyNames: () => this.knownProxyNames(),
      cluster: () => this.clusterStatus(),
      configChecker: this.bodyChecker,
    };
  }
}
