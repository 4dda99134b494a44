// One proxy's kernel forwarding as its controller drives it (data_path: kernel): the rules put
// in before its worker starts, health verdicts and suspension carried into them, and rules of an
// earlier config retired (draining their flows) when a stop, a rename or a switch to userspace
// leaves them unused. The controller waits for those drains before it calls itself stopped.
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { errorPayload, type ErrorPayload } from '../../shared/errors/routex-error.js';
import type { KernelLink } from '../kernel-path/kernel-link.js';
import type { Logger } from '../logging/logger.js';
import { drainTimeoutOf } from './config-diff.js';

export class KernelRules {
  /** Whether this proxy's rules are in: they forward even while its worker restarts. */
  installed = false;
  private readonly retirements = new Set<Promise<unknown>>();
  /** Configs whose rules were already retired (a rename retires before the new name installs). */
  private readonly retired = new WeakSet<ProxyConfig>();

  constructor(
    private readonly link: KernelLink,
    private readonly logger: () => Logger,
  ) {}

  /** Puts `config`'s rules in; null, or why the kernel refused (also logged). */
  async install(config: ProxyConfig, suspended: boolean): Promise<ErrorPayload | null> {
    try {
      await this.link.install(config, suspended);
      this.installed = true;
      return null;
    } catch (error) {
      const payload = errorPayload(error, 'ERR_KERNEL_PATH_UNAVAILABLE');
      this.logger().error('kernel forwarding rules not applied', { error: payload.message, code: payload.code });
      return payload;
    }
  }

  /** Stops the proxy's kernel forwarding (draining for `timeoutMs`), if it has any. */
  stop(config: ProxyConfig | null, timeoutMs: number): void {
    if (config?.dataPath !== 'kernel' || !this.installed) return;
    this.installed = false;
    this.retire(config.name, timeoutMs);
  }

  /** The rules of `previous` go (draining their flows) when `next` no longer uses them under that name; once. */
  replaced(previous: ProxyConfig, next: ProxyConfig): void {
    if (previous.dataPath !== 'kernel' || (next.dataPath === 'kernel' && next.name === previous.name) || this.retired.has(previous)) return;
    this.retired.add(previous);
    this.retire(previous.name, drainTimeoutOf(previous));
    if (next.dataPath !== 'kernel') this.installed = false;
  }

  healthChanged(config: ProxyConfig | null, ip: string, port: number, healthy: boolean): void {
    if (config?.dataPath === 'kernel') this.link.healthChanged(config.name, ip, port, healthy);
  }

  /** A new worker of a kernel-mode proxy: every upstream starts healthy, in the kernel too. */
  workerStarted(config: ProxyConfig): void {
    if (config.dataPath === 'kernel') this.link.resetHealth(config.name);
  }

  setSuspended(config: ProxyConfig | null, suspended: boolean): void {
    if (config?.dataPath !== 'kernel' || !this.installed) return;
    this.link.setSuspended(config.name, suspended).catch((error: Error) => this.logger().error('kernel suspension not applied', { error: error.message }));
  }

  /** Resolves once every retired set of rules has drained and gone. */
  async drained(): Promise<void> {
    await Promise.all(this.retirements);
  }

  private retire(name: string, timeoutMs: number): void {
    const retired = this.link.retire(name, timeoutMs).then(
      (cut) => cut > 0 && this.logger().warn('drain timeout reached, kernel-forwarded flows closed', { flows: cut }),
      (error: Error) => this.logger().error('kernel forwarding rules not removed', { error: error.message }),
    );
    this.retirements.add(retired);
    void retired.finally(() => this.retirements.delete(retired));
  }
}
