import { ask, type ProxyWorker } from '../workers/proxy-worker.js';
import type { RequestName, RequestParams, RequestResult } from '../../shared/ipc/protocol.js';
import { errorPayload } from '../../shared/errors/routex-error.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';

export function findProxy(ctx: ApiContext, name: string): ProxyController {
  const controller = ctx.fleet.byName(name);
  if (controller === undefined) throw new ApiError('ERR_PROXY_NOT_FOUND', `no proxy named "${name}"`);
  return controller;
}

/** The running worker of a proxy, for live queries: 404 unknown, 409 not running. */
export function runningWorker(ctx: ApiContext, name: string): ProxyWorker {
  const controller = findProxy(ctx, name);
  const worker = controller.runningWorker;
  if (worker === null) throw new ApiError('ERR_PROXY_NOT_RUNNING', `proxy "${name}" is ${controller.state}, not running`);
  return worker;
}

/** A data_path: kernel proxy whose rules are in (its flows are the kernel's), or null for a userspace one; 409 when not running. */
export function forwardingKernelProxy(ctx: ApiContext, name: string): ProxyController | null {
  const controller = findProxy(ctx, name);
  if (controller.config?.dataPath !== 'kernel') return null;
  if (!controller.kernel.installed) throw new ApiError('ERR_PROXY_NOT_RUNNING', `proxy "${name}" is ${controller.state}, not running`);
  return controller;
}

/**
 * Asks a proxy's worker; an IPC failure (worker died mid-request, timeout) becomes a 503 the
 * client can retry, with the IPC error's code in `details.cause`.
 */
export async function askWorker<N extends RequestName>(worker: ProxyWorker, name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
  try {
    return await ask(worker, name, params);
  } catch (error) {
    const cause = errorPayload(error, 'ERR_INTERNAL');
    throw new ApiError('ERR_WORKER_UNAVAILABLE', `the proxy's worker did not answer: ${cause.message}`, { cause: cause.code });
  }
}
