import path from 'node:path';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import type { CommandMessage, FactMessage, HandedOverSession, ListenerFailure, ListenerStatus, MessageHandlers } from '../../shared/ipc/protocol.js';
import type { ErrorCode } from '../../shared/errors/error-codes.js';
import type { RoutexError } from '../../shared/errors/routex-error.js';
import { BindRetry } from '../listeners/bind-retry.js';
import type { Logger } from '../logging/logger.js';
import { ProxyStats } from '../stats/proxy-stats.js';
import { ProxySockets } from '../listeners/proxy-sockets.js';
import { RestartBackoff } from './restart-backoff.js';
import { WorkerProcess } from './worker-process.js';
import type { ProxyWorker } from './proxy-worker.js';
import type { ApplyOutcome, ProxyState } from './proxy-state.js';
import { drainWorker } from './worker-retirement.js';
import { sameListeners, sameConfig, drainTimeoutOf } from './config-diff.js';
import { formatIpPort } from '../../shared/ip-port.js';
import { SupervisorEvents } from '../events/supervisor-events.js';
import { NO_L7_LINK, type L7Link } from '../bans/l7-link.js';
import { NO_KERNEL_LINK, type KernelLink } from '../kernel-path/kernel-link.js';
import { KernelRules } from './kernel-rules.js';

export type { ApplyOutcome, ProxyState } from './proxy-state.js';

const READY_TIMEOUT_MS = 15_000;
const RECONFIGURE_TIMEOUT_MS = 5_000;
/** A successor reads UDP at the latest this long after its predecessor was asked to hand over. */
const HANDOVER_TIMEOUT_MS = 3_000;

export interface WorkerFactory {
  (proxyName: string): ProxyWorker;
}

type Worker = ProxyWorker;

/** The last thing that went wrong with the worker: a registered code, the message, and when. */
export interface LastError {
  code: ErrorCode;
  message: string;
  at: string;
}

/** What the controller does with each fact a worker reports. */
export const FACT_HANDLERS: MessageHandlers<FactMessage, { controller: ProxyController; worker: Worker }> = {
  'counters.reported': (m, { controller, worker }) => controller.stats.record(worker.pid ?? 0, m.counters),
  'health.changed': (m, { controller }) => controller.upstreamHealthChanged(m.ip, m.port, m.healthy),
  'log.recorded': (m, { controller, worker }) => controller.log(m.level, m.message, { ...m.fields, pid: worker.pid }),
  'ban.requested': (m, { controller }) => controller.l7.banRequested(controller.displayName, m.target, m.durationMs, m.reason),
  'l7.events-recorded': (m, { controller }) => controller.l7.eventsRecorded(controller.displayName, m.events, m.dropped),
  'worker.drained': (m, { controller, worker }) => {
    if (m.closedByTimeout > 0) controller.log('warn', 'drain timeout reached, connections closed', { pid: worker.pid, connections: m.closedByTimeout });
  },
};

/**
 * Owns one proxy file's worker process: starts it, restarts it with backoff when it dies,
 * applies new configs in place or by restart, and drains it on stop. A predecessor that is
 * draining after a restart is kept in `retiring` until it exits.
 */
export class ProxyController {
  readonly stats = new ProxyStats();
  private currentState: ProxyState = 'stopped';
  config: ProxyConfig | null = null;
  /** Listeners the running worker serves (from its `worker.ready`). */
  listeners: ListenerStatus[] = [];
  /** Held sockets the running worker could not listen on. */
  listenErrors: ListenerFailure[] = [];
  /** The listening sockets: held here across worker crashes, restarts and reloads. */
  readonly sockets = new ProxySockets();
  /** When the next start attempt is due while in `backoff` or `failed`. */
  nextRestartAt: string | null = null;
  lastError: LastError | null = null;
  configIssues: ConfigIssue[] = [];
  restarts = 0;
  startedAt: string | null = null;
  /** Set while the bandwidth quota suspends the proxy; every worker it starts gets it too. */
  suspendedReason: string | null = null;
  private worker: Worker | null = null;
  private readonly retiring = new Set<Worker>();
  private readonly backoff = new RestartBackoff();
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly bindRetry = new BindRetry(() => this.retryBind());
  private stopping = false;
  private settleWaiters: (() => void)[] = [];

  private namedLogger: { name: string; logger: Logger } | null = null;
  /** data_path: kernel: the proxy's nftables rules. */
  readonly kernel: KernelRules;

  constructor(
    readonly file: string,
    private readonly rootLogger: Logger,
    private readonly forkWorker: WorkerFactory = (name) => new WorkerProcess(name),
    private readonly events: SupervisorEvents = new SupervisorEvents(),
    readonly l7: L7Link = NO_L7_LINK,
    kernelLink: KernelLink = NO_KERNEL_LINK,
  ) {
    this.kernel = new KernelRules(kernelLink, () => this.logger);
  }

  get state(): ProxyState {
    return this.currentState;
  }

  set state(next: ProxyState) {
    const previous = this.currentState;
    this.currentState = next;
    if (previous !== next) {
      this.events.publish({ type: 'proxy.state', proxy: this.displayName, state: next, previous, pid: this.worker?.pid ?? null, restarts: this.restarts });
    }
    if (next === 'starting') return;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const wake of waiters) wake();
  }

  get name(): string | undefined {
    return this.config?.name;
  }

  /** The proxy's name, or the file's base name while the file has never been valid. */
  get displayName(): string {
    return this.config?.name ?? path.basename(this.file, path.extname(this.file));
  }

  /** Every line about this proxy carries its name. */
  private get logger(): Logger {
    const name = this.displayName;
    if (this.namedLogger?.name !== name) this.namedLogger = { name, logger: this.rootLogger.child({ proxy: name }) };
    return this.namedLogger.logger;
  }

  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** Runs `config` (starting, reconfiguring in place or restarting as needed). */
  async apply(config: ProxyConfig): Promise<ApplyOutcome> {
    this.stopping = false;
    const previous = this.config;
    const worker = this.worker;
    if (worker === null || previous === null) {
      this.config = config;
      this.cancelRestart();
      await this.startAttempt();
      this.sockets.release(socketListeners(config));
      return 'started';
    }
    if (sameConfig(previous, config)) return 'unchanged';
    // A renamed kernel-mode proxy: the old name's origins leave the kernel before the new name claims them.
    if (previous.dataPath === 'kernel' && config.dataPath === 'kernel' && previous.name !== config.name) this.kernel.replaced(previous, config);
    if (config.dataPath === 'kernel' && !(await this.installKernel(config))) return 'unchanged';
    // Kernel-mode workers hold no sockets: any change of theirs applies in place.
    const sameDataPath = previous.dataPath === config.dataPath;
    const inPlace = sameDataPath && (config.dataPath === 'kernel' || sameListeners(previous, config));
    if (this.state === 'running' && inPlace && (await this.reconfigure(worker, config))) {
      this.config = config;
      this.kernel.replaced(previous, config);
      return 'reconfigured';
    }
    await this.replace(worker, config, drainTimeoutOf(previous));
    this.kernel.replaced(previous, config);
    return 'restarted';
  }

  /** Puts `config`'s kernel rules in; false (with the reason recorded) when the kernel refuses. */
  private async installKernel(config: ProxyConfig): Promise<boolean> {
    const refused = await this.kernel.install(config, this.suspendedReason !== null);
    if (refused !== null) this.recordError(refused.code, refused.message);
    return refused === null;
  }

  /** A start: a kernel-mode proxy's rules first (a refusal fails the start, retried with backoff), then the worker. */
  private async startAttempt(): Promise<void> {
    const config = this.config;
    if (config === null) return;
    if (config.dataPath === 'kernel' && !(await this.installKernel(config))) {
      if (this.stopping || this.config !== config) return;
      this.fail(this.lastError?.code ?? 'ERR_KERNEL_PATH_UNAVAILABLE', this.lastError?.message ?? 'kernel forwarding unavailable');
      this.scheduleRestart();
      return;
    }
    if (this.stopping || this.config !== config || this.worker !== null) return;
    this.spawn();
  }

  /** Restarts the worker with its current config: the new one serves before the old one drains. */
  async restart(): Promise<void> {
    if (this.config === null) return;
    this.stopping = false;
    this.cancelRestart();
    if (this.worker === null) await this.startAttempt();
    else await this.replace(this.worker, this.config, drainTimeoutOf(this.config));
  }

  /**
   * Swaps workers without closing a port: the successor starts on the held sockets (plus any new
   * one) and serves; then the predecessor stops accepting and reading, hands its UDP sessions
   * over and drains; then the sockets of listeners the new config dropped are closed.
   */
  private async replace(predecessor: Worker, config: ProxyConfig, drainTimeoutMs: number): Promise<void> {
    this.worker = null;
    this.retiring.add(predecessor);
    this.config = config;
    const successor = this.spawn(true);
    if (successor !== null) await this.settled(READY_TIMEOUT_MS);
    const handedOver = this.retire(predecessor, drainTimeoutMs, true);
    const sessions = await Promise.race([handedOver, delay(HANDOVER_TIMEOUT_MS, [] as HandedOverSession[])]);
    successor?.command({ type: 'udp.sessions-handed-over', sessions });
    this.sockets.release(socketListeners(config));
  }

  /**
   * Stops the proxy: `drain` lets live connections finish within the drain timeout, `now` closes
   * them. Resolves as soon as the listeners are closed (the ports are free); the state becomes
   * `finalState` once the worker has exited (see `allExited`).
   */
  async stop(mode: 'drain' | 'now', finalState: 'stopped' | 'disabled' = 'stopped'): Promise<void> {
    this.stopping = true;
    this.cancelRestart();
    const worker = this.worker;
    const config = this.config;
    this.kernel.stop(config, mode === 'drain' && config !== null ? drainTimeoutOf(config) : 0);
    if (worker === null) {
      this.sockets.closeAll();
      this.state = finalState;
      this.listeners = [];
      return;
    }
    this.state = 'stopping';
    const timeoutMs = mode === 'drain' && this.config !== null ? drainTimeoutOf(this.config) : 0;
    const released = this.retire(worker, timeoutMs, false).then(() => this.sockets.closeAll());
    void this.allExited().then(() => {
      if (this.stopping && this.worker === null) {
        this.state = finalState;
        this.listeners = [];
      }
    });
    await released;
  }

  /** Suspends (refuse new connections and UDP sessions; live ones continue) or resumes the proxy. */
  setSuspended(reason: string | null): void {
    if (reason === this.suspendedReason) return;
    this.suspendedReason = reason;
    this.kernel.setSuspended(this.config, reason !== null);
    this.events.publish({ type: 'proxy.suspended', proxy: this.displayName, suspended: reason !== null, reason });
    this.worker?.command(reason === null ? { type: 'proxy.resume' } : { type: 'proxy.suspend', reason });
  }

  /** A command to every worker of this proxy: the current one and any still draining. */
  commandAll(message: CommandMessage): void {
    this.worker?.command(message);
    for (const worker of this.retiring) worker.command(message);
  }

  /** A worker's probe verdict or manual eject/readmit changed an upstream's health. */
  upstreamHealthChanged(ip: string, port: number, healthy: boolean): void {
    this.stats.healthChanged(ip, port, healthy);
    this.kernel.healthChanged(this.config, ip, port, healthy);
    this.events.publish({ type: 'upstream.health', proxy: this.displayName, upstream: formatIpPort(ip, port), healthy });
  }

  /** A line in this proxy's log (facts from its worker arrive here too). */
  log(level: Parameters<Logger['write']>[0], message: string, fields: Record<string, unknown>): void {
    this.logger.write(level, message, fields);
  }

  markInvalid(issues: ConfigIssue[]): void {
    this.configIssues = issues;
    if (this.worker === null && this.restartTimer === null) this.state = 'invalid';
  }

  /** The worker serving traffic now, for queries; null unless the proxy is running. */
  get runningWorker(): Worker | null {
    return this.state === 'running' ? this.worker : null;
  }

  /** Resolves when a start attempt has ended: the proxy is running, failed, or stopped. */
  settled(timeoutMs: number): Promise<void> {
    if (this.state !== 'starting') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.settleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Last resort at exit: no worker may outlive the supervisor, no socket stays bound. */
  killAll(): void {
    this.stopping = true;
    this.cancelRestart();
    this.sockets.closeAll();
    this.worker?.kill();
    for (const worker of this.retiring) worker.kill();
  }

  /** Resolves once no worker process of this proxy is left (current or retiring). */
  async allExited(): Promise<void> {
    const workers = [...this.retiring, ...(this.worker ? [this.worker] : [])];
    await Promise.all([...workers.map((w) => (w.exited ? undefined : new Promise<void>((resolve) => w.once('exit', () => resolve())))), this.kernel.drained()]);
  }

  /**
   * Binds what is missing, forks a worker and hands it every held socket of its listeners.
   * With `udpHandover`, a predecessor still serves: the worker reads UDP once it has its sessions.
   * Returns null when not one listener could be bound (the attempt is retried with backoff).
   */
  private spawn(udpHandover = false): Worker | null {
    const config = this.config!;
    const failures = this.bindListeners(config);
    const sockets = this.sockets.socketsFor(socketListeners(config));
    for (const failure of failures) this.logger.error('listener bind failed', { listener: failure.listener.port, protocol: failure.listener.protocol, ip: failure.listener.ip, error: failure.error.message });
    if (failures.length > 0) this.recordError(failures[0]!.error.code, failures.map((f) => f.error.message).join('; '));
    if (sockets.length === 0 && socketListeners(config).length > 0) {
      this.fail(failures[0]?.error.code ?? 'ERR_LISTEN_FAILED', failures[0]?.error.message ?? 'no listener could be bound');
      this.scheduleRestart();
      return null;
    }
    const worker = this.forkWorker(config.name);
    this.worker = worker;
    this.kernel.workerStarted(config);
    this.state = 'starting';
    this.nextRestartAt = null;
    worker.on('fact', (message) => (FACT_HANDLERS[message.type] as (m: FactMessage, c: { controller: ProxyController; worker: Worker }) => void)(message, { controller: this, worker }));
    worker.on('exit', (code, signal) => this.onExit(worker, code, signal));
    for (const { listener, socket } of sockets) worker.command({ type: 'listener.handed', listener }, socket.handle);
    const handover = udpHandover && sockets.some(({ listener }) => listener.protocol === 'udp');
    const start = { config, suspendedReason: this.suspendedReason, bans: this.l7.bans(), udpHandover: handover };
    worker.request('proxy.start', start, READY_TIMEOUT_MS, (outcome) => {
      if (worker !== this.worker) return;
      if (outcome.ok) this.started(worker, outcome.result.listeners, outcome.result.listenErrors);
      else this.startFailed(worker, outcome.error);
    });
    if (failures.length > 0) this.bindRetry.schedule();
    else this.bindRetry.reset();
    return worker;
  }

  private started(worker: Worker, listeners: ListenerStatus[], listenErrors: ListenerFailure[]): void {
    this.state = 'running';
    this.listeners = listeners;
    this.listenErrors = listenErrors;
    for (const failure of listenErrors) this.recordError(failure.error.code, failure.error.message);
    this.startedAt = new Date().toISOString();
    this.backoff.started();
    this.logger.info('proxy started', { pid: worker.pid, listeners: listeners.length });
  }

  private startFailed(worker: Worker, error: RoutexError): void {
    // The worker exited before answering: its exit is the story (a crash), told by onExit.
    if (error.code === 'ERR_IPC_NO_WORKER') return;
    if (error.code === 'ERR_IPC_TIMEOUT') {
      this.fail('ERR_WORKER_START_TIMEOUT', `worker not ready within ${READY_TIMEOUT_MS} ms`);
      worker.kill();
      return;
    }
    this.fail(error.code, error.message);
  }

  /**
   * A listener that failed to bind is tried again (see `BindRetry`); once it binds, the worker is
   * replaced (without refusing anyone) so that it serves that listener too.
   */
  private retryBind(): 'retry' | 'done' {
    const config = this.config;
    // Without a worker, its next start binds everything anyway.
    if (this.stopping || config === null || this.worker === null) return 'done';
    const held = this.sockets.size;
    const failures = this.bindListeners(config);
    if (this.sockets.size === held) return failures.length > 0 ? 'retry' : 'done';
    this.logger.info('listener bound after retry', { listeners: this.sockets.size - held });
    void this.restart();
    return 'done';
  }

  /**
   * The bind step, kept apart from forking: a proxy whose data path binds no sockets of its own
   * (kernel forwarding) skips it. Sockets already held are kept; only missing ones are bound.
   */
  private bindListeners(config: ProxyConfig): readonly ListenerFailure[] {
    return this.sockets.bind(socketListeners(config));
  }

  private reconfigure(worker: Worker, config: ProxyConfig): Promise<boolean> {
    return new Promise((resolve) => worker.request('proxy.reconfigure', { config }, RECONFIGURE_TIMEOUT_MS, (outcome) => resolve(outcome.ok)));
  }

  /** Moves a worker to `retiring` and drains it (see `drainWorker`). */
  private retire(worker: Worker, timeoutMs: number, handover: boolean): Promise<HandedOverSession[]> {
    if (this.worker === worker) this.worker = null;
    this.retiring.add(worker);
    return drainWorker(worker, timeoutMs, handover);
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.stats.workerExited(worker.pid ?? 0);
    if (this.retiring.delete(worker)) return;
    if (worker !== this.worker) return;
    this.worker = null;
    if (this.stopping) return;
    if (this.state !== 'failed') {
      this.state = 'backoff';
      this.recordError('ERR_WORKER_CRASHED', `worker exited unexpectedly (${signal ?? `code ${code}`})`);
      this.logger.error('worker crashed', { pid: worker.pid, code, signal });
    }
    this.restarts++;
    const delayMs = this.scheduleRestart();
    this.events.publish({ type: 'worker.crashed', proxy: this.displayName, pid: worker.pid ?? null, code, signal, restarts: this.restarts, restartInMs: delayMs });
  }

  /** While it waits, the held sockets queue new clients (up to the backlog) for the next worker. */
  private scheduleRestart(): number {
    const delayMs = this.backoff.next();
    this.nextRestartAt = new Date(Date.now() + delayMs).toISOString();
    this.logger.info('worker restart scheduled', { delayMs, queueing: this.sockets.size });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.nextRestartAt = null;
      if (!this.stopping && this.config !== null) void this.startAttempt();
    }, delayMs);
    return delayMs;
  }

  private fail(code: ErrorCode, message: string): void {
    this.state = 'failed';
    this.recordError(code, message);
    this.logger.error('proxy failed to start', { error: message, code });
  }

  private recordError(code: ErrorCode, message: string): void {
    this.lastError = { code, message, at: new Date().toISOString() };
  }

  private cancelRestart(): void {
    this.bindRetry.cancel();
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }
}

/** The listeners whose sockets the supervisor binds: none for a kernel-mode proxy, nftables catches its packets. */
function socketListeners(config: ProxyConfig): ProxyConfig['listeners'] {
  return config.dataPath === 'kernel' ? [] : config.listeners;
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}
