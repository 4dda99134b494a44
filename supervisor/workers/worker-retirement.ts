import type { HandedOverSession, WorkerMessage } from '../../shared/ipc/protocol.js';
import type { WorkerProcess } from './worker-process.js';

/** After the drain timeout, a worker that still has not exited is killed. */
const EXIT_GRACE_MS = 5_000;

/**
 * Asks a worker to drain and exit (killing it if it outstays the drain timeout by the grace).
 * Resolves once it no longer accepts or reads (or is gone), with the UDP sessions it hands over
 * when `handover` is set.
 */
export function drainWorker(worker: WorkerProcess, timeoutMs: number, handover: boolean): Promise<HandedOverSession[]> {
  const killTimer = setTimeout(() => worker.kill(), timeoutMs + EXIT_GRACE_MS);
  worker.once('exit', () => clearTimeout(killTimer));
  worker.send({ type: 'proxy.drain', timeoutMs, handover });
  return new Promise((resolve) => {
    if (worker.exited) return resolve([]);
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'worker.listeners-closed') done(message.udpSessions);
    };
    const onExit = (): void => done([]);
    const done = (sessions: HandedOverSession[]): void => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(sessions);
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}
