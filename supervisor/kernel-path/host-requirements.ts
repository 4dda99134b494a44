// Which kernel settings a kernel-mode proxy needs, switched on (and logged) or checked before its
// rules go in; a setting that cannot be had is the proxy's start error, naming the sysctl.
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { RoutexError } from '../../shared/errors/routex-error.js';
import type { Logger } from '../logging/logger.js';
import { CONNTRACK_ACCOUNTING, CONNTRACK_TIMESTAMPS, IPV4_FORWARDING, IPV6_FORWARDING, requireOn, ROUTE_LOCALNET, switchOn, type HostSetting, type SysctlAccess } from './host-settings.js';

export class HostSettings {
  constructor(
    private readonly access: SysctlAccess,
    private readonly logger: Logger,
  ) {}

  /** Once the table exists (conntrack is loaded then): bytes and start times per flow. */
  async prepare(): Promise<void> {
    for (const setting of [CONNTRACK_ACCOUNTING, CONNTRACK_TIMESTAMPS]) {
      try {
        await this.turnOn(setting);
      } catch (error) {
        this.logger.warn('kernel setting unavailable, connection lists lack bytes or start times', { error: (error as Error).message });
      }
    }
  }

  /** What `config` needs; throws ERR_KERNEL_PATH_UNAVAILABLE naming what is missing. */
  async require(config: ProxyConfig): Promise<void> {
    try {
      if (config.destIps.some((ip) => ip.includes(':'))) {
        const problem = await requireOn(this.access, IPV6_FORWARDING);
        if (problem !== null) throw new Error(problem);
        return;
      }
      await this.turnOn(IPV4_FORWARDING);
      if (config.originIps.some((ip) => ip === '0.0.0.0' || ip.startsWith('127.'))) await this.turnOn(ROUTE_LOCALNET);
    } catch (error) {
      throw new RoutexError('ERR_KERNEL_PATH_UNAVAILABLE', (error as Error).message);
    }
  }

  private async turnOn(setting: HostSetting): Promise<void> {
    if (await switchOn(this.access, setting)) this.logger.warn('kernel setting switched on for kernel forwarding', { sysctl: setting.sysctl, value: 1, why: setting.why });
  }
}
