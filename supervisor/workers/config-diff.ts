import { isDeepStrictEqual } from 'node:util';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';

/**
 * The listener set as a comparable string: ip, port and transport of every listener, and the
 * backlog, which only a worker's listen() can set.
 */
function listenerKey(config: ProxyConfig): string {
  const listeners = config.listeners
    .map((l) => `${l.protocol}/${l.ip}/${l.port}/${l.group}`)
    .sort()
    .join(',');
  return `${listeners} backlog ${config.network.listenBacklog}`;
}

/** Same listeners ⇒ the change can be applied in place by the running worker. */
export function sameListeners(a: ProxyConfig, b: ProxyConfig): boolean {
  return listenerKey(a) === listenerKey(b);
}

export function sameConfig(a: ProxyConfig, b: ProxyConfig): boolean {
  return isDeepStrictEqual(a, b);
}

export function drainTimeoutOf(config: ProxyConfig): number {
  return config.draining.enabled ? config.draining.timeoutMs : 0;
}
