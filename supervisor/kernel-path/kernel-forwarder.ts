// data_path: kernel, the supervisor's side: RouteX's nftables table kept in line with the
// kernel-mode proxies (their config, their upstreams' health as their workers report it, bans,
// suspension, drains), their flows read from conntrack, and their counters reported like a
// worker's. Every change to the kernel goes through one queue, so batches never interleave.
import { AclGate } from '../../shared/acl/acl-gate.js';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { RoutexError } from '../../shared/errors/routex-error.js';
import type { ConnectionInfo } from '../../shared/ipc/protocol.js';
import { runCommand, type RunCommand } from '../firewall/command-runner.js';
import type { Logger } from '../logging/logger.js';
import { baseScript } from './base-script.js';
import { ConntrackClient } from './conntrack-client.js';
import { kernelPathProblem } from './kernel-check.js';
import { isLive, type ConntrackEntry } from './conntrack-entries.js';
import { HostSettings } from './host-requirements.js';
import { BanMirror, type BanSource } from './ban-mirror.js';
import { upstreamKeyOf } from './kernel-plan.js';
import { KernelProxy } from './kernel-proxy.js';
import { KernelSampler, type ReportSink } from './kernel-sampler.js';
import { MAX_PROXY_ID } from './nft-names.js';
import { NftTable, probeNft } from './nft-table.js';
import { procSysctl, type SysctlAccess } from './host-settings.js';
import { readShared, reconcileTable } from './table-reconcile.js';
import { elementsOf } from './proxy-elements.js';
import { FlowCleaner } from './flow-cleaner.js';
import type { FlowGauges } from './kernel-report.js';
import type { KernelLink } from './kernel-link.js';


export interface KernelForwarderOptions {
  logger: Logger;
  bans: BanSource;
  report: ReportSink;
  run?: RunCommand;
  sysctl?: SysctlAccess;
  now?: () => number;
  sampleIntervalMs?: number;
}

const SAMPLE_WARNING_MS = 60_000;

export class KernelForwarder implements KernelLink {
  private readonly table: NftTable;
  private readonly conntrack: ConntrackClient;
  private readonly sampler: KernelSampler;
  private readonly flows: FlowCleaner;
  private readonly host: HostSettings;
  private readonly proxies = new Map<string, KernelProxy>();
  /** Proxies draining (stopped, removed, or switched to userspace): their flows end, then they go. */
  private readonly retiring = new Set<KernelProxy>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();
  private ready = false;
  /** Proxy name → number of the objects an earlier run left and this one keeps. */
  private adopted = new Map<string, number>();
  private adoptedShared: ReturnType<typeof elementsOf> = new Map();
  private readonly bans: BanMirror;
  private sampleTimer: NodeJS.Timeout | null = null;
  private lastSampleWarningMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: KernelForwarderOptions) {
    const run = options.run ?? runCommand;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.table = new NftTable(run);
    this.conntrack = new ConntrackClient(run);
    this.sampler = new KernelSampler(this.table, this.conntrack, options.report, this.now);
    this.flows = new FlowCleaner(this.conntrack, this.logger);
    this.host = new HostSettings(options.sysctl ?? procSysctl, this.logger);
    this.bans = new BanMirror(options.bans, this.table, this.flows, this.now);
  }

  /**
   * At start: removes what an earlier run left for proxies that are gone or changed shape, and
   * keeps the rest for `install` to adopt. With no kernel-mode proxy, a leftover table goes.
   */
  prepare(configs: readonly ProxyConfig[]): Promise<void> {
    return this.enqueue(async () => {
      if (configs.length > 0) {
        await this.ensureReady(configs).catch((error: Error) => this.logger.warn('kernel forwarding unavailable', { reason: error.message }));
        return;
      }
      if ((await probeNft(this.options.run ?? runCommand)) !== null || (await this.table.listing()) === null) return;
      await this.table.deleteTable();
      this.logger.info('kernel forwarding table of an earlier run removed (no data_path: kernel proxy now)');
    });
  }

  /** Installs or updates the proxy's rules and elements; throws a coded error when it cannot. */
  install(config: ProxyConfig, suspended = false): Promise<void> {
    return this.enqueue(async () => {
      await this.ensureReady([config]);
      const current = this.proxies.get(config.name);
      if (current === undefined) return this.add(config, suspended);
      current.suspended = suspended;
      await this.host.require(config);
      const removedUpstreams = current.config.upstreams.filter((u) => !config.upstreams.some((n) => n.ip === u.ip && n.port === u.port));
      const plan = current.planFor(config);
      const aclBefore = current.aclText();
      if (plan.layout !== current.plan.layout) {
        const next = new KernelProxy(config, current.id);
        for (const [key, healthy] of current.health) next.health.set(key, healthy);
        Object.assign(next, { suspended: current.suspended, draining: current.draining });
        await this.write(next, [...current.deleteScript(), ...next.createScript()]);
        this.proxies.set(config.name, next);
        this.sampler.forget(current);
        this.logger.info('kernel forwarding rules rebuilt', { proxy: config.name, layout: plan.layout });
      } else {
        current.config = config;
        current.plan = plan;
        await this.write(current, current.updateScript());
      }
      const proxy = this.proxies.get(config.name)!;
      for (const upstream of removedUpstreams) await this.flows.moveSessions(proxy, upstream.ip, upstream.port);
      if (aclBefore !== proxy.aclText()) await this.flows.closeDenied(proxy, AclGate.compile(config.globalAcl, config.acl));
    });
  }

  /** A worker's health verdict or manual eject/readmit: the slot map follows, UDP sessions move. */
  healthChanged(name: string, ip: string, port: number, healthy: boolean): void {
    this.background(async () => {
      const proxy = this.proxies.get(name);
      if (proxy === undefined || proxy.healthy(ip, port) === healthy) return;
      proxy.health.set(upstreamKeyOf({ ip, port }), healthy);
      await this.write(proxy, proxy.updateScript());
      if (!healthy) await this.flows.moveSessions(proxy, ip, port);
    });
  }

  /** A new worker starts with every upstream healthy, and so does the slot map. */
  resetHealth(name: string): void {
    this.background(async () => {
      const proxy = this.proxies.get(name);
      if (proxy === undefined || proxy.health.size === 0) return;
      proxy.health.clear();
      await this.write(proxy, proxy.updateScript());
    });
  }

  /** Bandwidth suspension: new flows are refused (TCP reset, UDP dropped); live ones go on. */
  setSuspended(name: string, suspended: boolean): Promise<void> {
    return this.enqueue(async () => {
      const proxy = this.proxies.get(name);
      if (proxy === undefined || proxy.suspended === suspended) return;
      proxy.suspended = suspended;
      await this.write(proxy, proxy.updateScript());
    });
  }

  /**
   * Stops new flows at once (the proxy's origins leave the dispatch maps, so the host refuses them
   * as it would at a closed port; its name is free for a new install right away), lets the live
   * flows finish for up to `timeoutMs`, deletes what is left, then removes the proxy's objects.
   * Resolves with how many flows the timeout cut.
   */
  async retire(name: string, timeoutMs: number): Promise<number> {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) return 0;
    await this.enqueue(async () => {
      this.proxies.delete(name);
      this.retiring.add(proxy);
      proxy.draining = true;
      await this.write(proxy, proxy.updateScript());
    });
    const left = await this.flows.waitForEnd(proxy, timeoutMs, this.now).catch(() => 0);
    await this.enqueue(async () => {
      if (left > 0) await this.flows.deleteAll(proxy);
      await this.drop(proxy);
    });
    return left;
  }

  has(name: string): boolean {
    return this.proxies.has(name);
  }

  gaugesOf(name: string): FlowGauges | undefined {
    const proxy = this.proxies.get(name);
    return proxy === undefined ? undefined : this.sampler.gaugesOf(proxy);
  }

  /** The proxy's open connections and UDP sessions, from conntrack. */
  async connections(name: string): Promise<ConnectionInfo[]> {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) return [];
    const flows = (await this.conntrack.list(proxy.plan.family, proxy.id)).filter(isLive);
    return flows.map((flow) => connectionInfo(flow, this.now()));
  }

  /** Deletes one flow by its conntrack id; false when there is none. */
  async kill(name: string, id: number): Promise<boolean> {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) return false;
    const flow = (await this.conntrack.list(proxy.plan.family, proxy.id)).find((f) => f.id === id && isLive(f));
    return flow === undefined ? false : this.enqueue(() => this.flows.deleteFlow(proxy, flow));
  }

  /** Stops sampling and mirroring (the proxies were drained and removed by their controllers). */
  async close(): Promise<void> {
    this.stopFollowing();
    await this.queue.catch(() => undefined);
  }

  private stopFollowing(): void {
    if (this.sampleTimer !== null) clearInterval(this.sampleTimer);
    this.sampleTimer = null;
    this.bans.stop();
  }

  private async add(config: ProxyConfig, suspended: boolean): Promise<void> {
    const adoptedId = this.adopted.get(config.name);
    this.adopted.delete(config.name);
    try {
      await this.host.require(config);
    } catch (error) {
      // A proxy that cannot run must not keep forwarding with what an earlier run left.
      if (adoptedId !== undefined) await this.table.apply(new KernelProxy(config, adoptedId).deleteScriptFrom(this.adoptedShared));
      throw error;
    }
    const proxy = new KernelProxy(config, adoptedId ?? this.freeId());
    proxy.suspended = suspended;
    if (adoptedId !== undefined) {
      const slots = await this.table.elements('map', proxy.plan.objects.slots);
      proxy.held = elementsOf(this.adoptedShared, adoptedId);
      proxy.held.set(proxy.plan.objects.slots, new Map(slots.map((e) => [e.key, e.value])));
      await this.write(proxy, proxy.updateScript());
      this.logger.info('kernel forwarding rules of the earlier run adopted', { proxy: config.name });
    } else {
      await this.write(proxy, proxy.createScript());
      this.logger.info('kernel forwarding rules installed', { proxy: config.name, layout: proxy.plan.layout });
    }
    this.proxies.set(config.name, proxy);
  }

  private async drop(proxy: KernelProxy): Promise<void> {
    this.retiring.delete(proxy);
    if (this.proxies.get(proxy.name) === proxy) this.proxies.delete(proxy.name);
    await this.table.apply(proxy.deleteScript());
    this.sampler.forget(proxy);
    this.logger.info('kernel forwarding rules removed', { proxy: proxy.name });
    if (this.proxies.size === 0 && this.retiring.size === 0 && this.adopted.size === 0) await this.teardown();
  }

  /** No kernel-mode proxy left: the table goes, so a stopped RouteX leaves nothing behind. */
  private async teardown(): Promise<void> {
    this.stopFollowing();
    await this.table.deleteTable().catch((error: Error) => this.logger.warn('kernel forwarding table not removed', { error: error.message }));
    this.ready = false;
  }

  /** Applies `lines`; if the kernel disagrees with what RouteX believes, reads it back and tries once more. */
  private async write(proxy: KernelProxy, lines: string[]): Promise<void> {
    try {
      await this.table.apply(lines);
    } catch (error) {
      if (this.proxies.get(proxy.name) !== proxy && !this.retiring.has(proxy)) throw error;
      this.logger.warn('kernel forwarding elements out of step, reading them back', { proxy: proxy.name, error: (error as Error).message });
      proxy.held = elementsOf(await readShared(this.table), proxy.id);
      const slots = await this.table.elements('map', proxy.plan.objects.slots);
      proxy.held.set(proxy.plan.objects.slots, new Map(slots.map((e) => [e.key, e.value])));
      proxy.heldAcl = { global: null, proxy: null };
      await this.table.apply(proxy.updateScript());
    }
    proxy.written();
  }

  private freeId(): number {
    // A draining predecessor keeps its number (and objects) until its flows end.
    const used = new Set([...this.proxies.values(), ...this.retiring].map((p) => p.id).concat([...this.adopted.values()]));
    for (let id = 1; id <= MAX_PROXY_ID; id++) if (!used.has(id)) return id;
    throw new RoutexError('ERR_KERNEL_PATH_UNAVAILABLE', `more than ${MAX_PROXY_ID} kernel-mode proxies`);
  }

  private async ensureReady(configs: readonly ProxyConfig[]): Promise<void> {
    if (this.ready) return;
    const problem = await kernelPathProblem(this.options.run ?? runCommand);
    if (problem !== null) throw new RoutexError('ERR_KERNEL_PATH_UNAVAILABLE', problem);
    const reconciled = await reconcileTable(this.table, configs);
    await this.table.apply([...reconciled.lines, ...baseScript(), ...this.bans.initialScript()]);
    this.adopted = reconciled.adopted;
    this.adoptedShared = reconciled.shared;
    if (reconciled.removed.length > 0) this.logger.info('kernel forwarding rules of an earlier run removed', { proxies: reconciled.removed });
    await this.host.prepare();
    this.bans.follow((work) => this.background(work), () => this.proxies.values());
    const every = this.options.sampleIntervalMs ?? 1000;
    this.sampleTimer = setInterval(() => this.background(() => this.sample()), every);
    this.sampleTimer.unref();
    this.ready = true;
  }

  /** Reads the kernel's counters for every proxy; a failure is logged at most once a minute. */
  private async sample(): Promise<void> {
    try {
      await this.sampler.sample([...this.proxies.values(), ...this.retiring]);
    } catch (error) {
      const now = this.now();
      if (now - this.lastSampleWarningMs < SAMPLE_WARNING_MS) return;
      this.lastSampleWarningMs = now;
      this.logger.warn('kernel counters not read', { error: (error as Error).message });
    }
  }

  /** Queued work nobody waits for; a failure is logged by the queue. */
  private background(work: () => Promise<unknown>): void {
    this.enqueue(work).catch(() => undefined);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch((error: unknown) => this.logger.error('kernel forwarding change failed', { error: (error as Error).message }));
    return run;
  }
}

function connectionInfo(flow: ConntrackEntry, nowMs: number): ConnectionInfo {
  return {
    id: flow.id,
    protocol: flow.protocol,
    clientIp: flow.clientIp,
    clientPort: flow.clientPort,
    listenerPort: flow.originPort,
    upstreamIp: flow.upstreamIp,
    upstreamPort: flow.upstreamPort,
    bytesIn: flow.bytesIn,
    bytesOut: flow.bytesOut,
    startedAt: new Date(nowMs - (flow.ageS ?? 0) * 1000).toISOString(),
  };
}
