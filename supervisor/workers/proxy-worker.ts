import type { CommandMessage, FactMessage, RequestName, RequestParams, RequestResult } from '../../shared/ipc/protocol.js';
import type { RoutexError } from '../../shared/errors/routex-error.js';
import type { SendableHandle } from '../listeners/held-socket.js';

/** How a request ended: the worker's result, or a coded error (failed reply, timeout, exit). */
export type Outcome<N extends RequestName> = { ok: true; result: RequestResult<N> } | { ok: false; error: RoutexError };

export interface ProxyWorkerEvents {
  fact: [FactMessage];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

/**
 * A proxy's worker process as the supervisor drives it: requests answered once (or failed by a
 * timeout or the worker's exit), commands, facts and the exit as events. `WorkerProcess` is the
 * real one; tests drive a controller with a stand-in that implements this.
 */
export interface ProxyWorker {
  readonly pid: number | undefined;
  readonly exited: boolean;
  /** Sends a request; `done` runs exactly once, synchronously with the reply that settles it. */
  request<N extends RequestName>(name: N, params: RequestParams<N>, timeoutMs: number, done: (outcome: Outcome<N>) => void): void;
  /** `handle`: a held listening socket sent along (`listener.handed`). */
  command(message: CommandMessage, handle?: SendableHandle): void;
  kill(signal?: NodeJS.Signals): void;
  on<E extends keyof ProxyWorkerEvents>(event: E, listener: (...args: ProxyWorkerEvents[E]) => void): unknown;
  once<E extends keyof ProxyWorkerEvents>(event: E, listener: (...args: ProxyWorkerEvents[E]) => void): unknown;
  off<E extends keyof ProxyWorkerEvents>(event: E, listener: (...args: ProxyWorkerEvents[E]) => void): unknown;
}

const DEFAULT_TIMEOUT_MS = 3000;

/** A request as a promise, for the API's live queries: rejects with the coded error. */
export function ask<N extends RequestName>(worker: ProxyWorker, name: N, params: RequestParams<N>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RequestResult<N>> {
  return new Promise((resolve, reject) => worker.request(name, params, timeoutMs, (outcome) => (outcome.ok ? resolve(outcome.result) : reject(outcome.error))));
}
