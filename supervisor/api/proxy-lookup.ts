import type { WorkerProcess } from '../workers/worker-process.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';

export function findProxy(ctx: ApiContext, name: string): ProxyController {
  const controller = ctx.fleet.byName(name);
  if (controller === undefined) throw new ApiError(404, 'ERR_PROXY_NOT_FOUND', `no proxy named "${name}"`);
  return controller;
}

/** The running worker of a proxy, for live queries: 404 unknown, 409 not running. */
export function runningWorker(ctx: ApiContext, name: string): WorkerProcess {
  const controller = findProxy(ctx, name);
  const worker = controller.runningWorker;
  if (worker === null) throw new ApiError(409, 'ERR_PROXY_NOT_RUNNING', `proxy "${name}" is ${controller.state}, not running`);
  return worker;
}

/** Turns an IPC failure (worker died mid-query, timeout) into a 503 the client can retry. */
export async function askWorker<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw new ApiError(503, 'ERR_WORKER_UNAVAILABLE', `the proxy's worker did not answer: ${(error as Error).message}`);
  }
}
