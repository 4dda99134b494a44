import path from 'node:path';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import type { HandedOverSession, ListenerFailure, ListenerStatus, WorkerMessage } from '../../shared/ipc/protocol.js';
import { BindRetry } from '../listeners/bind-retry.js';
import type { Logger } from '../logging/logger.js';
import { ProxyStats } from '../stats/proxy-stats.js';
import { ProxySockets } from '../listeners/proxy-sockets.js';
import { RestartBackoff } from './restart-backoff.js';
import { WorkerProcess } from './worker-process.js';
import { drainWorker } from './worker-retirement.js';
import { sameListeners, sameConfig, drainTimeoutOf } from './config-diff.js';
import { formatHostPort } from '../../shared/host-port.js';
import { SupervisorEvents } from '../events/supervisor-events.js';
import type { SupervisorMessage } from '../../shared/ipc/protocol.js';
import { NO_L7_LINK, type L7Link } from '../bans/l7-link.js';

export type ProxyState = 'starting' | 'running' | 'backoff' | 'failed' | 'stopping' | 'stopped' | 'disabled' | 'invalid';
export type ApplyOutcome = 'unchanged' | 'reconfigured' | 'restarted' | 'started';

const READY_TIMEOUT_MS = 15_000;
const RECONFIGURE_TIMEOUT_MS = 5_000;
/** A successor reads UDP at the latest this long after its predecessor was asked to hand over. */
const HANDOVER_TIMEOUT_MS = 3_000;

export interface WorkerFactory {
  (proxyName: string): WorkerProcess;
}

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
  lastError: { message: string; at: string } | null = null;
  configIssues: ConfigIssue[] = [];
  restarts = 0;
  startedAt: string | null = null;
  /** Set while the bandwidth quota suspends the proxy; every worker it starts gets it too. */
  suspendedReason: string | null = null;
  private worker: WorkerProcess | null = null;
  private readonly retiring = new Set<WorkerProcess>();
  private readonly backoff = new RestartBackoff();
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly bindRetry = new BindRetry(() => this.retryBind());
  private readyTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private pendingReconfigure: ((ok: boolean) => void) | null = null;
  private settleWaiters: (() => void)[] = [];

  private namedLogger: { name: string; logger: Logger } | null = null;

  constructor(
    readonly file: string,
    private readonly rootLogger: Logger,
    private readonly forkWorker: WorkerFactory = (name) => new WorkerProcess(name),
    private readonly events: SupervisorEvents = new SupervisorEvents(),
    private readonly l7: L7Link = NO_L7_LINK,
  ) {}

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
      this.spawn();
      this.sockets.release(config.listeners);
      return 'started';
    }
    if (sameConfig(previous, config)) return 'unchanged';
    if (this.state === 'running' && sameListeners(previous, config) && (await this.reconfigure(worker, config))) {
      this.config = config;
      return 'reconfigured';
    }
    await this.replace(worker, config, drainTimeoutOf(previous));
    return 'restarted';
  }

  /** Restarts the worker with its current config: the new one serves before the old one drains. */
  async restart(): Promise<void> {
    if (this.config === null) return;
    this.stopping = false;
    this.cancelRestart();
    if (this.worker === null) this.spawn();
    else await this.replace(this.worker, this.config, drainTimeoutOf(this.config));
  }

  /**
   * Swaps workers without closing a port: the successor starts on the held sockets (plus any new
   * one) and serves; then the predecessor stops accepting and reading, hands its UDP sessions
   * over and drains; then the sockets of listeners the new config dropped are closed.
   */
  private async replace(predecessor: WorkerProcess, config: ProxyConfig, drainTimeoutMs: number): Promise<void> {
    this.worker = null;
    this.clearReadyTimer();
    this.retiring.add(predecessor);
    this.config = config;
    const successor = this.spawn(true);
    if (successor !== null) await this.settled(READY_TIMEOUT_MS);
    const handedOver = this.retire(predecessor, drainTimeoutMs, true);
    const sessions = await Promise.race([handedOver, delay(HANDOVER_TIMEOUT_MS, [] as HandedOverSession[])]);
    successor?.send({ type: 'udp.sessions-handed-over', sessions });
    this.sockets.release(config.listeners);
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
    this.events.publish({ type: 'proxy.suspended', proxy: this.displayName, suspended: reason !== null, reason });
    this.worker?.send(reason === null ? { type: 'proxy.resume' } : { type: 'proxy.suspend', reason });
  }

  /** Sends to every worker of this proxy: the current one and any still draining. */
  sendToAll(message: SupervisorMessage): void {
    this.worker?.send(message);
    for (const worker of this.retiring) worker.send(message);
  }

  markInvalid(issues: ConfigIssue[]): void {
    this.configIssues = issues;
    if (this.worker === null && this.restartTimer === null) this.state = 'invalid';
  }

  /** The worker serving traffic now, for queries; null unless the proxy is running. */
  get runningWorker(): WorkerProcess | null {
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
    await Promise.all(workers.map((w) => (w.exited ? undefined : new Promise<void>((resolve) => w.once('exit', () => resolve())))));
  }

  /**
   * Binds what is missing, forks a worker and hands it every held socket of its listeners.
   * With `udpHandover`, a predecessor still serves: the worker reads UDP once it has its sessions.
   * Returns null when not one listener could be bound (the attempt is retried with backoff).
   */
  private spawn(udpHandover = false): WorkerProcess | null {
    const config = this.config!;
    const failures = this.bindListeners(config);
    const sockets = this.sockets.socketsFor(config.listeners);
    for (const failure of failures) this.logger.error('listener bind failed', { listener: failure.listener.port, protocol: failure.listener.protocol, ip: failure.listener.ip, error: failure.error.message });
    if (failures.length > 0) this.recordError(failures.map((f) => f.error.message).join('; '));
    if (sockets.length === 0 && config.listeners.length > 0) {
      this.fail(failures[0]?.error.message ?? 'no listener could be bound');
      this.scheduleRestart();
      return null;
    }
    const worker = this.forkWorker(config.name);
    this.worker = worker;
    this.state = 'starting';
    this.nextRestartAt = null;
    worker.on('message', (message) => this.onMessage(worker, message));
    worker.on('exit', (code, signal) => this.onExit(worker, code, signal));
    for (const { listener, socket } of sockets) worker.send({ type: 'listener.handed', listener }, socket.handle);
    const handover = udpHandover && sockets.some(({ listener }) => listener.protocol === 'udp');
    worker.send({ type: 'proxy.start', config, suspendedReason: this.suspendedReason, bans: this.l7.bans(), udpHandover: handover });
    if (failures.length > 0) this.bindRetry.schedule();
    else this.bindRetry.reset();
    this.readyTimer = setTimeout(() => {
      this.fail(`worker not ready within ${READY_TIMEOUT_MS} ms`);
      worker.kill();
    }, READY_TIMEOUT_MS);
    return worker;
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
    return this.sockets.bind(config.listeners);
  }

  private reconfigure(worker: WorkerProcess, config: ProxyConfig): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), RECONFIGURE_TIMEOUT_MS);
      const settle = (ok: boolean): void => {
        clearTimeout(timer);
        this.pendingReconfigure = null;
        resolve(ok);
      };
      this.pendingReconfigure = settle;
      worker.send({ type: 'proxy.reconfigure', config });
    });
  }

  /** Moves a worker to `retiring` and drains it (see `drainWorker`). */
  private retire(worker: WorkerProcess, timeoutMs: number, handover: boolean): Promise<HandedOverSession[]> {
    if (this.worker === worker) {
      this.worker = null;
      this.clearReadyTimer();
    }
    this.retiring.add(worker);
    return drainWorker(worker, timeoutMs, handover);
  }

  private onMessage(worker: WorkerProcess, message: WorkerMessage): void {
    switch (message.type) {
      case 'counters.reported':
        this.stats.record(worker.pid ?? 0, message.counters);
        return;
      case 'health.changed':
        this.stats.healthChanged(message.ip, message.port, message.healthy);
        this.events.publish({ type: 'upstream.health', proxy: this.displayName, upstream: formatHostPort(message.ip, message.port), healthy: message.healthy });
        return;
      case 'log.recorded':
        this.logger.write(message.level, message.message, { ...message.fields, pid: worker.pid });
        return;
      case 'ban.requested':
        this.l7.banRequested(this.displayName, message.target, message.durationMs, message.reason);
        return;
      case 'l7.events-recorded':
        this.l7.eventsRecorded(this.displayName, message.events, message.dropped);
        return;
      case 'worker.ready':
        if (worker !== this.worker) return;
        this.clearReadyTimer();
        this.state = 'running';
        this.listeners = message.listeners;
        this.listenErrors = message.listenErrors;
        for (const failure of message.listenErrors) this.recordError(failure.error.message);
        this.startedAt = new Date().toISOString();
        this.backoff.started();
        this.logger.info('proxy started', { pid: worker.pid, listeners: message.listeners.length });
        return;
      case 'worker.failed':
        if (worker === this.worker) this.fail(message.error.message);
        return;
      case 'worker.reconfigured':
        this.pendingReconfigure?.(true);
        return;
      case 'worker.reconfigure-failed':
        this.pendingReconfigure?.(false);
        return;
      case 'worker.drained':
        if (message.closedByTimeout > 0) this.logger.warn('drain timeout reached, connections closed', { pid: worker.pid, connections: message.closedByTimeout });
        return;
      case 'worker.listeners-closed':
      case 'query.answered':
      case 'query.failed':
        return;
    }
  }

  private onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.stats.workerExited(worker.pid ?? 0);
    if (this.retiring.delete(worker)) return;
    if (worker !== this.worker) return;
    this.worker = null;
    this.clearReadyTimer();
    this.pendingReconfigure?.(false);
    if (this.stopping) return;
    if (this.state !== 'failed') {
      this.state = 'backoff';
      this.recordError(`worker exited unexpectedly (${signal ?? `code ${code}`})`);
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
      if (!this.stopping && this.config !== null) this.spawn();
    }, delayMs);
    return delayMs;
  }

  private fail(message: string): void {
    this.state = 'failed';
    this.recordError(message);
    this.logger.error('proxy failed to start', { error: message });
  }

  private recordError(message: string): void {
    this.lastError = { message, at: new Date().toISOString() };
  }

  private cancelRestart(): void {
    this.bindRetry.cancel();
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private clearReadyTimer(): void {
    if (this.readyTimer !== null) clearTimeout(this.readyTimer);
    this.readyTimer = null;
  }
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}
