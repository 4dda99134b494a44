import { listenerKey, type ListenerFailure } from '../../../shared/ipc/protocol.js';
import type { ProxyController } from '../../workers/proxy-controller.js';

export type ListenerState = 'serving' | 'queueing' | 'forwarding' | 'failed' | 'closed';

/**
 * Each listener of the proxy's config and what a client connecting to it meets now: `serving`
 * (a worker accepts), `queueing` (the supervisor holds the socket while no worker serves it, in a
 * restart or a crash backoff: connections wait in the backlog), `failed` (it could not be bound
 * or listened on: `error` says why), `closed` (the proxy is stopped or disabled). A kernel-mode
 * proxy binds nothing: its listeners are `forwarding` while its rules are in (through worker
 * restarts too), else `closed`.
 */
export function listenerViews(controller: ProxyController) {
  const config = controller.config;
  if (config === null) return [];
  if (config.dataPath === 'kernel') {
    const state: ListenerState = controller.kernel.installed ? 'forwarding' : 'closed';
    return config.listeners.map(({ ip, port, protocol }) => ({ ip, port, protocol, state, error: null }));
  }
  const serving = new Set(controller.state === 'running' ? controller.listeners.map(listenerKey) : []);
  const failures = new Map<string, ListenerFailure>();
  for (const failure of [...controller.sockets.bindFailures, ...(controller.state === 'running' ? controller.listenErrors : [])]) {
    failures.set(listenerKey(failure.listener), failure);
  }
  return config.listeners.map(({ ip, port, protocol }) => {
    const key = listenerKey({ ip, port, protocol });
    const failure = failures.get(key);
    let state: ListenerState = 'closed';
    if (failure !== undefined) state = 'failed';
    else if (serving.has(key)) state = 'serving';
    else if (controller.sockets.isHeld({ ip, port, protocol })) state = 'queueing';
    return { ip, port, protocol, state, error: failure === undefined ? null : { code: failure.error.code, message: failure.error.message } };
  });
}
