import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PollTiming {
  ms: number;
  /** Time the supervisor's main thread and the poller sat runnable, waiting for a CPU, during the poll. */
  waitedForCpuMs: number;
  /** CPU time the supervisor's main thread used during the poll. */
  supervisorRanMs: number;
}

export interface HealthReport {
  /** The slowest answer as the poller saw it. */
  slowestMs: number;
  slowest: PollTiming;
  /**
   * The supervisor's own share of the slowest answer: its time minus the time the supervisor's
   * main thread and the poller waited for a CPU (the machine's load, not the supervisor's work).
   * Equal to the answer's time without a `pid` or where /proc has no scheduler statistics.
   */
  slowestOwnMs: number;
  slowestOwn: PollTiming;
  /**
   * The answer during which the supervisor's main thread ran longest: its event loop's work
   * (other requests, timers) that the answer waited behind, whatever the machine's load.
   */
  busiest: PollTiming;
  answered: number;
  failed: number;
}

export interface HealthPollerOptions {
  /** Stop by itself after this many polls (then `stop()` only waits for the report). */
  count?: number;
  /** The supervisor's pid, to split each answer's time by the kernel's scheduler statistics. */
  pid?: number;
}

/** An answer's time and how it splits, for a diagnostic line. */
export function describePoll(poll: PollTiming): string {
  const own = Math.max(0, poll.ms - poll.waitedForCpuMs);
  return `${Math.round(own)} ms of ${Math.round(poll.ms)} ms (${Math.round(poll.waitedForCpuMs)} ms waiting for a CPU, ${Math.round(poll.supervisorRanMs)} ms of supervisor CPU)`;
}

/**
 * Polls the supervisor's /api/health every 10 ms from another process until `stop()` (or the
 * test ends), or `count` times when given.
 */
export function startHealthPoller(apiPort: number, t: { after(fn: () => unknown): void }, options: HealthPollerOptions = {}): { ready: Promise<void>; stop(): Promise<HealthReport> } {
  const args = [String(apiPort), String(options.count ?? 0), String(options.pid ?? 0)];
  const child = fork(fileURLToPath(new URL('./health-poller-child.js', import.meta.url)), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const report = new Promise<HealthReport>((resolve, reject) => {
    child.on('message', (message: HealthReport | { ready: true }) => {
      if ('ready' in message) markReady();
      else resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`health poller exited with ${code} before reporting`)));
  });
  report.catch(() => undefined);
  t.after(() => child.kill());
  return {
    /** Resolves once the first poll has been answered. */
    ready,
    stop: () => {
      if (child.connected) child.send('stop');
      return report;
    },
  };
}
