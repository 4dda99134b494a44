// What a proxy's controller asks of the kernel path: its rules in and out, its worker's health
// verdicts and its suspension carried into the maps. `KernelForwarder` is the real one.
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { RoutexError } from '../../shared/errors/routex-error.js';

export interface KernelLink {
  /** Installs or updates the proxy's rules; throws a coded error when the kernel path cannot run here. */
  install(config: ProxyConfig, suspended: boolean): Promise<void>;
  /** Stops new flows, lets live ones end for up to `timeoutMs`, then removes the rules; resolves with the flows cut. */
  retire(name: string, timeoutMs: number): Promise<number>;
  healthChanged(name: string, ip: string, port: number, healthy: boolean): void;
  /** A new worker: every upstream starts healthy. */
  resetHealth(name: string): void;
  setSuspended(name: string, suspended: boolean): Promise<void>;
}

/** For supervisors (and tests) without a kernel path: a kernel-mode proxy fails to start, saying so. */
export const NO_KERNEL_LINK: KernelLink = {
  install: () => Promise.reject(new RoutexError('ERR_KERNEL_PATH_UNAVAILABLE', 'this supervisor has no kernel forwarding')),
  retire: () => Promise.resolve(0),
  healthChanged: () => undefined,
  resetHealth: () => undefined,
  setSuspended: () => Promise.resolve(),
};
