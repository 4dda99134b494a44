import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  isWorkerMessage,
  type QueryMap,
  type QueryName,
  type SupervisorMessage,
  type WorkerMessage,
} from '../../shared/ipc/protocol.js';
import { journalStreams } from '../logging/journal-stream.js';
import type { SendableHandle } from '../listeners/held-socket.js';

const WORKER_ENTRY = fileURLToPath(new URL('../../proxy-worker/main.js', import.meta.url));
const DEFAULT_QUERY_TIMEOUT_MS = 3000;
/** A worker's stderr line longer than this is cut: a log line, not a dump. */
const MAX_STDERR_LINE = 4096;

export class IpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface PendingQuery {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface WorkerProcessEvents {
  message: [WorkerMessage];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

/**
 * One forked proxy-worker and its IPC channel: typed send, queries matched to replies by id with
 * a timeout each, and an `exit` event. Knows nothing about restart policy.
 */
export class WorkerProcess extends EventEmitter<WorkerProcessEvents> {
  readonly child: ChildProcess;
  exited = false;
  private nextQueryId = 1;
  private readonly pending = new Map<number, PendingQuery>();

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

  /** `handle`: a held listening socket; the child receives its own descriptor of it. */
  send(message: SupervisorMessage, handle?: SendableHandle): void {
    if (!this.exited && this.child.connected) this.child.send(message, handle);
  }

  query<N extends QueryName>(name: N, params: QueryMap[N]['params'], timeoutMs = DEFAULT_QUERY_TIMEOUT_MS): Promise<QueryMap[N]['result']> {
    if (this.exited || !this.child.connected) return Promise.reject(new IpcError('ERR_IPC_NO_WORKER', 'worker is not running'));
    const id = this.nextQueryId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IpcError('ERR_IPC_TIMEOUT', `worker did not answer ${name} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ type: 'query', id, name, params });
    });
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
      this.emit('message', { type: 'log.recorded', level: 'error', message: 'worker stderr', fields: { line: text } });
    });
  }

  private readonly onMessage = (message: unknown): void => {
    if (!isWorkerMessage(message)) return;
    if (message.type === 'query.answered' || message.type === 'query.failed') {
      const pending = this.pending.get(message.replyTo);
      if (pending === undefined) return;
      this.pending.delete(message.replyTo);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new IpcError(message.error.code, message.error.message));
      return;
    }
    this.emit('message', message);
  };

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.exited = true;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new IpcError('ERR_IPC_NO_WORKER', 'worker exited'));
    }
    this.pending.clear();
    this.emit('exit', code, signal);
  };
}
