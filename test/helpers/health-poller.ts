import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface HealthReport {
  slowestMs: number;
  answered: number;
  failed: number;
}

/**
 * Polls the supervisor's /api/health every 10 ms from another process until `stop()` (or the
 * test ends), or `count` times when given (then `stop()` only waits for the report).
 */
export function startHealthPoller(apiPort: number, t: { after(fn: () => unknown): void }, count = 0): { ready: Promise<void>; stop(): Promise<HealthReport> } {
  const child = fork(fileURLToPath(new URL('./health-poller-child.js', import.meta.url)), [String(apiPort), String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
