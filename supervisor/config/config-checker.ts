import { Worker } from 'node:worker_threads';
import { runCheckJob, type CheckJob, type CheckResults } from './config-check-jobs.js';

const THREAD_ENTRY = new URL('./config-check-thread.js', import.meta.url);

export class ConfigCheckError extends Error {
  constructor(
    readonly reason: 'timeout' | 'failed' | 'closed',
    message: string,
  ) {
    super(message);
  }
}

export interface ConfigCheckerOptions {
  /** A job running longer than this is abandoned (its thread is terminated and replaced). */
  timeoutMs: number;
  /** The thread's heap limit: a document that needs more fails its check, not the supervisor. */
  maxHeapMb: number;
  /** The thread's code (tests replace it). */
  entry?: URL;
  /** Told once when no thread could start and checks run inline from then on. */
  onInline?: (reason: string) => void;
}

interface Pending {
  id: number;
  job: CheckJob;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

/**
 * Runs config checks on a thread of its own, one job at a time, so that parsing a large or
 * hostile document never holds the supervisor's event loop (API answers, worker supervision).
 * The thread starts on the first job and is replaced after a timeout or a crash.
 */
export class ConfigChecker {
  private worker: Worker | null = null;
  private readonly queue: Pending[] = [];
  private current: { pending: Pending; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private closed = false;
  /** Unknown until a thread has answered once; false when one could not even start. */
  private threadWorks: boolean | undefined;

  constructor(private readonly options: ConfigCheckerOptions = { timeoutMs: 20_000, maxHeapMb: 512 }) {}

  check<J extends CheckJob>(job: J): Promise<CheckResults[J['kind']]> {
    if (this.closed) return Promise.reject(new ConfigCheckError('closed', 'the config checker is closed'));
    // Where no thread can start (a preload that breaks in threads, say), checks run inline.
    if (this.threadWorks === false) return Promise.resolve().then(() => runCheckJob(job));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve: resolve as (result: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Starts the thread and runs a small job, so the first real check does not pay for start-up and JIT. */
  warmUp(): void {
    this.check({ kind: 'global-text', text: 'api:\n  enabled: false\n', file: '<warm-up>' }).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new ConfigCheckError('closed', 'the config checker is closed'));
    this.finish(new ConfigCheckError('closed', 'the config checker is closed'));
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private dispatch(): void {
    if (this.current !== null || this.closed) return;
    const pending = this.queue.shift();
    if (pending === undefined) return;
    const timer = setTimeout(() => this.abandon(pending), this.options.timeoutMs);
    this.current = { pending, timer };
    try {
      this.thread().postMessage({ id: pending.id, job: pending.job });
    } catch (error) {
      this.finish(new ConfigCheckError('failed', `cannot hand the document to the checker: ${(error as Error).message}`));
    }
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(this.options.entry ?? THREAD_ENTRY, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      this.threadWorks = true;
      if (this.current?.pending.id !== reply.id) return;
      if (reply.ok) this.finish(undefined, reply.result);
      else this.finish(new ConfigCheckError('failed', reply.message));
    });
    worker.on('error', (error) => this.lost(worker, `the check failed: ${error.message}`));
    worker.on('exit', () => this.lost(worker, 'the checker thread exited'));
    this.worker = worker;
    return worker;
  }

  /** The job took too long: its thread is stopped, the next job gets a fresh one. */
  private abandon(pending: Pending): void {
    if (this.current?.pending !== pending) return;
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
    this.finish(new ConfigCheckError('timeout', `the document could not be checked within ${this.options.timeoutMs / 1000} s`));
  }

  private lost(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.threadWorks === undefined && this.current !== null) {
      this.threadWorks = false;
      this.options.onInline?.(message);
      const { pending, timer } = this.current;
      this.current = null;
      clearTimeout(timer);
      this.queue.unshift(pending);
      for (const queued of this.queue.splice(0)) this.check(queued.job).then(queued.resolve, queued.reject);
      return;
    }
    this.finish(new ConfigCheckError('failed', message));
  }

  private finish(error: Error | undefined, result?: unknown): void {
    const current = this.current;
    if (current === null) return;
    this.current = null;
    clearTimeout(current.timer);
    if (error === undefined) current.pending.resolve(result);
    else current.pending.reject(error);
    this.dispatch();
  }
}
