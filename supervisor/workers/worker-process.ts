import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FACT_TYPES, isMessageOf, type CommandMessage, type FactMessage, type ReplyMessage, type RequestName, type RequestParams, type RequestResult } from '../../shared/ipc/protocol.js';
import { RoutexError } from '../../shared/errors/routex-error.js';
import { journalStreams } from '../logging/journal-stream.js';
import type { SendableHandle } from '../listeners/held-socket.js';
import type { Outcome, ProxyWorker, ProxyWorkerEvents } from './proxy-worker.js';

const WORKER_ENTRY = fileURLToPath(new URL('../../proxy-worker/main.js', import.meta.url));
/** A worker's stderr line longer than this is cut: a log line, not a dump. */
const MAX_STDERR_LINE = 4096;
const REPLY_TYPES = { 'request.answered': true, 'request.failed': true } as const satisfies Record<ReplyMessage['type'], true>;

interface PendingRequest {
  done: (outcome: Outcome<RequestName>) => void;
  timer: NodeJS.Timeout;
}

/**
 * One forked proxy-worker and its IPC channel: requests matched to replies by id with a timeout
 * each, commands, facts as events, and an `exit` event. Knows nothing about restart policy.
 */
export class WorkerProcess extends EventEmitter<ProxyWorkerEvents> implements ProxyWorker {
  readonly child: ChildProcess;
  exited = false;
  private nextRequestId = 1;
  private readonly pending = new Map<number, PendingRequest>();

  /**
   * Workers get the supervisor's Node flags (so `node --cpu-prof routex` profiles them too),
   * except debugger flags, whose port only one process can hold.
   */
  constructor(proxyName: string, execArgv: string[] = process.execArgv.filter((flag) => !flag.startsWith('--inspect'))) {
    super();
    const stderrToLog = journalStreams().stderr;
    this.child = fork(WORKER_ENTRY, [proxyName], {
      stdio: ['ignore', 'inherit', stderrToLog ? 'pipe' : 'inherit', 'ipc'],
      serialization: 'advanced',
      execArgv,
    });
    if (stderrToLog) this.logStderrLines();
    this.child.on('message', this.onMessage);
    this.child.on('error', () => {
      // fork/kill failures surface as 'exit' as well; nothing more to do here.
    });
    this.child.once('exit', this.onExit);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `handle`: a held listening socket (`listener.handed`); the child receives its own descriptor of it. */
  command(message: CommandMessage, handle?: SendableHandle): void {
    if (!this.exited && this.child.connected) this.child.send(message, handle);
  }

  request<N extends RequestName>(name: N, params: RequestParams<N>, timeoutMs: number, done: (outcome: Outcome<N>) => void): void {
    if (this.exited || !this.child.connected) {
      done({ ok: false, error: new RoutexError('ERR_IPC_NO_WORKER', `worker is not running (${name})`) });
      return;
    }
    const id = this.nextRequestId++;
    const timer = setTimeout(() => {
      this.pending.delete(id);
      done({ ok: false, error: new RoutexError('ERR_IPC_TIMEOUT', `worker did not answer ${name} within ${timeoutMs} ms`) });
    }, timeoutMs);
    this.pending.set(id, { done: done as (outcome: Outcome<RequestName>) => void, timer });
    this.child.send({ type: name, id, ...params });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exited) this.child.kill(signal);
  }

  /**
   * Under journald, what the worker's runtime prints itself (a fatal V8 error, a Node warning)
   * becomes an error record of this worker, so it carries the proxy's name and priority <3>.
   */
  private logStderrLines(): void {
    createInterface({ input: this.child.stderr!, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() === '') return;
      const text = line.length > MAX_STDERR_LINE ? `${line.slice(0, MAX_STDERR_LINE)}…` : line;
      this.emit('fact', { type: 'log.recorded', level: 'error', message: 'worker stderr', fields: { line: text } });
    });
  }

  private readonly onMessage = (message: unknown): void => {
    if (isMessageOf<ReplyMessage>(message, REPLY_TYPES)) {
      const pending = this.pending.get(message.replyTo);
      if (pending === undefined) return;
      this.pending.delete(message.replyTo);
      clearTimeout(pending.timer);
      if (message.type === 'request.answered') pending.done({ ok: true, result: message.result as RequestResult<RequestName> });
      else pending.done({ ok: false, error: new RoutexError(message.error.code, message.error.message, message.error.details) });
      return;
    }
    if (isMessageOf<FactMessage>(message, FACT_TYPES)) this.emit('fact', message);
  };

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.exited = true;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.done({ ok: false, error: new RoutexError('ERR_IPC_NO_WORKER', 'worker exited before answering') });
    }
    this.pending.clear();
    this.emit('exit', code, signal);
  };
}
