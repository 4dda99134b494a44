import { readdir, readFile, stat } from 'node:fs/promises';
import type { ProxyCounters } from './proxy-counters.js';
import { ThrottledWarning } from './throttled-warning.js';
import type { WorkerLogger } from './worker-logger.js';

type FdCounters = Pick<ProxyCounters, 'openFds' | 'fdLimit' | 'fdExhausted'>;

/** Where the kernel tells a process about its descriptors (Linux). */
export interface FdSources {
  fdDir: string;
  limits: string;
}

const PROC_SELF: FdSources = { fdDir: '/proc/self/fd', limits: '/proc/self/limits' };

/** The soft "Max open files" limit from /proc/<pid>/limits; 0 when unlimited or not found. */
export function parseOpenFilesLimit(limits: string): number {
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  const value = Number(soft);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Whether the next descriptor cannot be had. libuv keeps one descriptor in reserve: when accept()
 * fails for lack of one, it closes the reserve, accepts and at once closes every pending
 * connection (their clients see a reset), and reopens it; Node reports none of this.
 */
export function descriptorsExhausted(open: number, limit: number): boolean {
  return limit > 0 && open >= limit - 1;
}

function isOutOfDescriptors(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

/**
 * The worker's file descriptors, sampled once a second: how many are open and the limit (both in
 * the counters, so the API and the metrics show them), and whether none is left. Running out is
 * logged at most once per 10 s (with how many times it happened meanwhile) and counted in
 * `fd_exhausted`; it is otherwise silent, since the connections it costs are reset by libuv.
 */
export class FdMonitor {
  private readonly warning: ThrottledWarning;
  private sampling = false;

  constructor(
    private readonly counters: FdCounters,
    logger: WorkerLogger,
    private readonly sources: FdSources = PROC_SELF,
  ) {
    this.warning = new ThrottledWarning(logger, 'file descriptors exhausted, new connections are reset', 'error');
  }

  /** Reads the count and the limit; a sample still running is not doubled. */
  async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      this.counters.openFds = await this.openDescriptors();
      this.counters.fdLimit = parseOpenFilesLimit(await readFile(this.sources.limits, 'utf8'));
      if (descriptorsExhausted(this.counters.openFds, this.counters.fdLimit)) this.exhausted('every descriptor is in use');
    } catch (error) {
      // Reading the limits takes a descriptor itself: failing for lack of one is the answer.
      if (isOutOfDescriptors(error)) this.exhausted('every descriptor is in use');
    } finally {
      this.sampling = false;
    }
  }

  /** A descriptor was needed and none was free. */
  exhausted(cause: string): void {
    this.counters.fdExhausted++;
    this.warning.hit({ openFds: this.counters.openFds, fdLimit: this.counters.fdLimit, cause });
  }

  /** An error of a socket: EMFILE/ENFILE count as running out. */
  socketFailed(error: unknown): void {
    if (isOutOfDescriptors(error)) this.exhausted(`a socket could not be opened (${(error as NodeJS.ErrnoException).code})`);
  }

  private async openDescriptors(): Promise<number> {
    // Linux 6.2 and later give the count as the folder's size, without listing it.
    const { size } = await stat(this.sources.fdDir);
    return size > 0 ? size : (await readdir(this.sources.fdDir)).length;
  }
}
