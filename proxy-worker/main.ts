// A proxy worker: one forked process per proxy file. It only ever talks to its supervisor over
// the fork IPC channel, and exits when that channel drops.
import { isSupervisorMessage, listenerKey, type SupervisorMessage, type WorkerMessage } from '../shared/ipc/protocol.js';
import type { ReceivedHandle } from './listeners/adopted-handle.js';
import { ProxyRuntime } from './runtime/proxy-runtime.js';
import { WorkerLogger } from './runtime/worker-logger.js';
import { answerQuery } from './runtime/query-handler.js';
import { takeReport } from './runtime/proxy-counters.js';

const REPORT_INTERVAL_MS = 1000;

function send(message: WorkerMessage, callback?: () => void): void {
  if (process.connected) process.send!(message, undefined, undefined, callback);
  else callback?.();
}

const logger = new WorkerLogger(send, 'info');
let runtime: ProxyRuntime | null = null;
let reportTimer: NodeJS.Timeout | null = null;
/** The runtime while its listeners are binding: a suspension must reach it before it accepts. */
let starting: ProxyRuntime | null = null;
let suspendedReason: string | null = null;
/** The listening sockets the supervisor handed over, by `listenerKey`, until `proxy.start` uses them. */
const handedSockets = new Map<string, ReceivedHandle>();

function reportCounters(): void {
  if (runtime === null) return;
  const protection = runtime.protection;
  const l7 = protection.counters.take();
  for (const n of Object.values(l7.blocked)) runtime.counters.l7Blocked += n;
  send({ type: 'counters.reported', counters: takeReport(runtime.counters, runtime.pool, runtime.acl.takeCounts(), l7) });
  if (!protection.events.empty) send({ type: 'l7.events-recorded', ...protection.events.take() });
}

function errorPayload(error: unknown): { code: string; message: string } {
  const err = error as { code?: unknown; message?: unknown };
  return { code: typeof err.code === 'string' ? err.code : 'ERR_WORKER', message: String(err.message ?? error) };
}

async function start(message: Extract<SupervisorMessage, { type: 'proxy.start' }>): Promise<void> {
  logger.level = message.config.logging.level;
  const candidate = new ProxyRuntime(message.config, logger, send);
  candidate.protection.addBans(message.bans, true);
  starting = candidate;
  setSuspended(message.suspendedReason);
  try {
    const { listeners, listenErrors } = await candidate.start(handedSockets, message.udpHandover);
    handedSockets.clear();
    runtime = candidate;
    starting = null;
    reportTimer = setInterval(reportCounters, REPORT_INTERVAL_MS);
    send({ type: 'worker.ready', listeners, listenErrors });
  } catch (error) {
    send({ type: 'worker.failed', error: errorPayload(error) }, () => process.exit(1));
  }
}

/** Bandwidth suspension: new connections and UDP sessions are refused at admission. */
function setSuspended(reason: string | null): void {
  suspendedReason = reason;
  for (const target of [runtime, starting]) if (target !== null) target.admission.suspendedReason = suspendedReason;
}

async function drain(timeoutMs: number, handover: boolean): Promise<void> {
  if (runtime === null) {
    send({ type: 'worker.drained', closedByTimeout: 0 }, () => process.exit(0));
    return;
  }
  const udpSessions = runtime.stopServing(handover);
  // Give the closed listening handles one loop turn to release their descriptors.
  setImmediate(() => send({ type: 'worker.listeners-closed', udpSessions }));
  const closedByTimeout = await runtime.drain(timeoutMs);
  if (reportTimer !== null) clearInterval(reportTimer);
  reportCounters();
  send({ type: 'worker.drained', closedByTimeout }, () => process.exit(0));
}

function dispatch(message: SupervisorMessage, handle: ReceivedHandle | undefined): void {
  switch (message.type) {
    case 'listener.handed':
      if (handle !== undefined) handedSockets.set(listenerKey(message.listener), handle);
      return;
    case 'udp.sessions-handed-over':
      runtime?.adoptSessions(message.sessions);
      return;
    case 'proxy.start':
      void start(message);
      return;
    case 'proxy.reconfigure':
      if (runtime === null) {
        send({ type: 'worker.reconfigure-failed', error: { code: 'ERR_WORKER_NOT_STARTED', message: 'worker has no running proxy' } });
        return;
      }
      runtime.reconfigure(message.config);
      send({ type: 'worker.reconfigured' });
      return;
    case 'proxy.drain':
      void drain(message.timeoutMs, message.handover);
      return;
    case 'proxy.suspend':
      setSuspended(message.reason);
      return;
    case 'proxy.resume':
      setSuspended(null);
      return;
    case 'bans.added':
      for (const target of [runtime, starting]) target?.protection.addBans(message.bans);
      return;
    case 'bans.removed':
      for (const target of [runtime, starting]) target?.protection.removeBans(message.targets);
      return;
    case 'query':
      send(answerQuery(runtime, message));
      return;
  }
}

process.on('message', (message: unknown, handle: unknown) => {
  if (isSupervisorMessage(message)) dispatch(message, typeof handle === 'object' && handle !== null ? handle : undefined);
});
process.on('disconnect', () => process.exit(0));
// The supervisor decides when a worker stops; a terminal's Ctrl-C reaches the whole process group.
process.on('SIGINT', () => undefined);
// A SIGTERM sent to the worker itself is a stop request: drain like the supervisor would ask.
process.on('SIGTERM', () => void drain(runtime?.config.draining.enabled ? runtime.config.draining.timeoutMs : 0, false));
process.on('uncaughtException', (error) => {
  send({ type: 'log.recorded', level: 'error', message: 'worker crashed', fields: { error: String(error.stack ?? error) } }, () => process.exit(70));
});
