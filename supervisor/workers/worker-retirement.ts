import type { HandedOverSession } from '../../shared/ipc/protocol.js';
import type { ProxyWorker } from './proxy-worker.js';

/** After the drain timeout, a worker that still has not exited is killed. */
const EXIT_GRACE_MS = 5_000;

/**
 * Asks a worker to drain and exit (killing it if it outstays the drain timeout by the grace).
 * Resolves once it no longer accepts or reads (or is gone), with the UDP sessions it hands over
 * when `handover` is set.
 */
export function drainWorker(worker: ProxyWorker, timeoutMs: number, handover: boolean): Promise<HandedOverSession[]> {
  const killTimer = setTimeout(() => worker.kill(), timeoutMs + EXIT_GRACE_MS);
  worker.once('exit', () => clearTimeout(killTimer));
  return new Promise((resolve) => {
    if (worker.exited) return resolve([]);
    // Answered once the worker stops serving; its exit or the kill timer settles the request too.
    worker.request('proxy.drain', { timeoutMs, handover }, timeoutMs + EXIT_GRACE_MS, (outcome) => resolve(outcome.ok ? outcome.result.udpSessions : []));
  });
}
