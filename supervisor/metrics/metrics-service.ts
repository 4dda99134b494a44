import type { MetricsConfig } from '../../shared/config/resolved-types.js';
import type { BandwidthManager } from '../bandwidth/bandwidth-manager.js';
import type { Clock } from '../clock.js';
import type { HistoryPoint, HistoryQuery, MetricsStore } from '../store/metrics-store.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import { collectMetrics, collectProxyMetrics, type DropSource, type NamedController } from './metrics-collector.js';
import type { DropCount } from '../firewall/kernel-view.js';
import type { SupervisorInputs } from '../stats/supervisor-values.js';

/** Where kernel drops per proxy and rule kind come from (the FirewallManager). */
export interface KernelDrops {
  refreshDrops(): Promise<void>;
  drops(proxy: string): DropCount[];
}
import type { MetricsModel } from './metrics-model.js';
import { MetricsRecorder, type RecorderLogger } from './metrics-recorder.js';
import { ReloadErrorCounter } from './reload-errors.js';

/**
 * What the API asks about metrics: live readings (from the supervisor's counters, so they work
 * with `metrics.enabled: false` too) and history (from the store, only while enabled).
 */
export class MetricsService {
  readonly reloadErrors = new ReloadErrorCounter();
  private readonly recorder: MetricsRecorder;

  constructor(
    private readonly proxies: () => ProxyController[],
    private readonly store: MetricsStore,
    private readonly bandwidth: BandwidthManager,
    readonly config: () => MetricsConfig,
    logger: RecorderLogger,
    private readonly clock: Clock,
    private readonly supervisorState: () => SupervisorInputs = () => ({ bansActive: 0, clusterConnected: 0, eventLoopLagMs: 0 }),
    /** The kernel's drop counters (the firewall); absent in tests without one. */
    private readonly kernel: KernelDrops | null = null,
  ) {
    this.recorder = new MetricsRecorder(proxies, store, config, logger, clock);
  }

  get enabled(): boolean {
    return this.config().enabled;
  }

  start(): void {
    this.recorder.start();
  }

  /** The final flush. */
  stop(): void {
    this.recorder.stop();
  }

  model(): MetricsModel {
    return collectMetrics(this.proxies(), this.bandwidth, this.reloadErrors.total, this.clock.now(), this.supervisorState(), this.drops);
  }

  proxyModel(controller: NamedController): MetricsModel {
    return collectProxyMetrics(controller, this.bandwidth, this.clock.now(), this.drops);
  }

  /** Reads the kernel's rule counters now, so the next model has them fresh (a scrape waits for it). */
  async refreshKernel(): Promise<void> {
    await this.kernel?.refreshDrops().catch(() => undefined);
  }

  private readonly drops: DropSource = (proxy) => this.kernel?.drops(proxy) ?? [];

  /** Points for `hours` back from now; empty while history is disabled. */
  history(proxy: string, hours: number, limit: number, stepSeconds: number | null): HistoryPoint[] {
    if (!this.enabled) return [];
    const query: HistoryQuery = { proxy, sinceMs: this.clock.now() - hours * 3_600_000, limit, stepMs: stepSeconds === null ? null : stepSeconds * 1000 };
    return this.store.history(query);
  }
}
