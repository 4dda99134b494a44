import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { Ban } from '../../shared/bans/ban.js';
import { listenerKey, type HandedOverSession, type ListenerStatus, type WorkerMessage } from '../../shared/ipc/protocol.js';
import type { ReceivedHandle } from '../listeners/adopted-handle.js';
import { RoutexError } from '../../shared/errors/routex-error.js';
import { ProxyRuntime, type StartedListeners } from './proxy-runtime.js';
import { takeReport } from './proxy-counters.js';
import type { WorkerLogger } from './worker-logger.js';

const REPORT_INTERVAL_MS = 1000;

export type Send = (message: WorkerMessage, callback?: () => void) => void;

/**
 * What one worker process runs over its life: no proxy, a proxy starting (binding its listeners),
 * a running proxy, then a drain and the exit. The IPC handlers call into this; it owns the
 * runtime, the once-a-second counter report and the suspension state.
 */
export class WorkerSession {
  private runtime: ProxyRuntime | null = null;
  /** The runtime while its listeners are binding: a suspension must reach it before it accepts. */
  private starting: ProxyRuntime | null = null;
  private reportTimer: NodeJS.Timeout | null = null;
  private draining = false;
  /** The listening sockets the supervisor handed over, by `listenerKey`, until `start` uses them. */
  private readonly handedSockets = new Map<string, ReceivedHandle>();

  constructor(
    private readonly logger: WorkerLogger,
    private readonly send: Send,
    private readonly exit: (code: number) => void,
  ) {}

  /** The running proxy; requests that need one fail with ERR_WORKER_NOT_STARTED before it runs. */
  get running(): ProxyRuntime {
    if (this.runtime === null) throw new RoutexError('ERR_WORKER_NOT_STARTED');
    return this.runtime;
  }

  /** A listening socket the supervisor handed over, kept until `start` serves it. */
  socketHanded(listener: ListenerStatus, handle: ReceivedHandle): void {
    this.handedSockets.set(listenerKey(listener), handle);
  }

  async start(config: ProxyConfig, suspendedReason: string | null, bans: Ban[], udpHandover: boolean): Promise<StartedListeners> {
    this.logger.level = config.logging.level;
    const candidate = new ProxyRuntime(config, this.logger, this.send);
    candidate.protection.addBans(bans, true);
    this.starting = candidate;
    this.setSuspended(suspendedReason);
    try {
      const started = await candidate.start(this.handedSockets, udpHandover);
      this.handedSockets.clear();
      this.runtime = candidate;
      void candidate.descriptors.sample();
      // A kernel-mode proxy's counters are the kernel's: the supervisor reads and reports them.
      if (config.dataPath === 'userspace') this.reportTimer = setInterval(() => this.reportCounters(), REPORT_INTERVAL_MS);
      return started;
    } finally {
      this.starting = null;
    }
  }

  reconfigure(config: ProxyConfig): void {
    this.running.reconfigure(config);
  }

  /** Bans reach the running proxy and one still binding its listeners. */
  addBans(bans: Ban[]): void {
    for (const target of [this.runtime, this.starting]) target?.protection.addBans(bans);
  }

  removeBans(targets: string[]): void {
    for (const target of [this.runtime, this.starting]) target?.protection.removeBans(targets);
  }

  /** Bandwidth suspension: new connections and UDP sessions are refused at admission. */
  setSuspended(reason: string | null): void {
    for (const target of [this.runtime, this.starting]) if (target !== null) target.admission.suspendedReason = reason;
  }

  /** The predecessor's UDP sessions: their clients stay on their upstream, and UDP is read from now on. */
  adoptSessions(sessions: readonly HandedOverSession[]): void {
    this.runtime?.adoptSessions(sessions);
  }

  /**
   * Stops serving the listeners and resolves (with the UDP sessions handed over, when asked to)
   * once the closed listening handles had a loop turn to release their descriptors. The drain
   * goes on behind: live connections get up to `timeoutMs`, the last counters and
   * `worker.drained` are sent, then the process exits.
   */
  drain(timeoutMs: number, handover: boolean): Promise<HandedOverSession[]> {
    const runtime = this.runtime;
    if (this.draining) return Promise.resolve([]);
    this.draining = true;
    if (runtime === null) {
      this.send({ type: 'worker.drained', closedByTimeout: 0 }, () => this.exit(0));
      return Promise.resolve([]);
    }
    const udpSessions = runtime.stopServing(handover);
    void runtime.drain(timeoutMs).then((closedByTimeout) => {
      if (this.reportTimer !== null) clearInterval(this.reportTimer);
      if (runtime.config.dataPath === 'userspace') this.reportCounters();
      this.send({ type: 'worker.drained', closedByTimeout }, () => this.exit(0));
    });
    return new Promise((resolve) => setImmediate(() => resolve(udpSessions)));
  }

  /** What a SIGTERM to the worker itself asks for: the drain its config describes. */
  drainAsConfigured(): Promise<HandedOverSession[]> {
    const draining = this.runtime?.config.draining;
    return this.drain(draining?.enabled ? draining.timeoutMs : 0, false);
  }

  private reportCounters(): void {
    const runtime = this.runtime;
    if (runtime === null) return;
    // The descriptor count read now goes out with the next report.
    void runtime.descriptors.sample();
    const protection = runtime.protection;
    const l7 = protection.counters.take();
    for (const n of Object.values(l7.blocked)) runtime.counters.l7Blocked += n;
    this.send({ type: 'counters.reported', counters: takeReport(runtime.counters, { upstreams: runtime.routes.upstreams() }, runtime.acl.takeCounts(), l7, runtime.routes.all) });
    if (!protection.events.empty) this.send({ type: 'l7.events-recorded', ...protection.events.take() });
  }
}
