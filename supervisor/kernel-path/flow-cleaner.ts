// Flows the kernel still forwards that must not go on: UDP sessions pinned to an upstream that
// left (they move to another on their next datagram), flows of a client that is banned or that a
// new ACL denies with close_existing_on_deny, one flow killed through the API, and what is left
// when a drain times out. Deleting a conntrack entry is how: the next packet is a new flow and
// meets the rules again.
import type { AclGate } from '../../shared/acl/acl-gate.js';
import type { Logger } from '../logging/logger.js';
import { formatIpPort } from '../../shared/ip-port.js';
import type { ConntrackClient } from './conntrack-client.js';
import { isLive, type ConntrackEntry } from './conntrack-entries.js';
import { netmaskOf } from './kernel-bans.js';
import { parseBanTarget } from './ban-elements.js';
import type { KernelProxy } from './kernel-proxy.js';

const DRAIN_POLL_MS = 250;

export class FlowCleaner {
  constructor(
    private readonly conntrack: ConntrackClient,
    private readonly logger: Logger,
  ) {}

  /** The UDP sessions on `ip:port`: gone, so each client's next datagram picks a healthy upstream. */
  async moveSessions(proxy: KernelProxy, ip: string, port: number): Promise<void> {
    const moved = await this.conntrack.delete({ proxyId: proxy.id, family: proxy.plan.family, protocol: 'udp', upstream: ip, upstreamPort: port });
    if (moved > 0) this.logger.info('udp sessions moved off an upstream', { proxy: proxy.name, upstream: formatIpPort(ip, port), sessions: moved });
  }

  /** Every flow of the clients `target` (a ban's CIDR) covers. */
  async closeBanned(proxy: KernelProxy, target: string): Promise<void> {
    const parsed = parseBanTarget(target);
    if (parsed === null || parsed.family !== proxy.plan.family) return;
    const [ip = '', prefix = ''] = target.split('/');
    const closed = await this.conntrack.delete({ proxyId: proxy.id, family: parsed.family, client: ip, clientMask: netmaskOf(Number(prefix), parsed.family) });
    if (closed > 0) this.logger.info('flows of a banned client closed', { proxy: proxy.name, target, flows: closed });
  }

  /** The flows of clients `gate` now denies, on a layer that closes existing connections. */
  async closeDenied(proxy: KernelProxy, gate: AclGate | null): Promise<void> {
    if (gate === null) return;
    const flows = (await this.conntrack.list(proxy.plan.family, proxy.id)).filter((flow) => isLive(flow) && gate.closesExisting(flow.clientIp));
    for (const flow of flows) await this.deleteFlow(proxy, flow);
    if (flows.length > 0) this.logger.info('connections closed by acl change', { proxy: proxy.name, connections: flows.length });
  }

  async deleteFlow(proxy: KernelProxy, flow: ConntrackEntry): Promise<boolean> {
    const deleted = await this.conntrack.delete({
      proxyId: proxy.id,
      family: proxy.plan.family,
      protocol: flow.protocol,
      client: flow.clientIp,
      clientPort: flow.clientPort,
      origin: flow.originIp,
      originPort: flow.originPort,
    });
    return deleted > 0;
  }

  async deleteAll(proxy: KernelProxy): Promise<number> {
    return this.conntrack.delete({ proxyId: proxy.id, family: proxy.plan.family });
  }

  /** Waits until the proxy has no live flow or `timeoutMs` passed; resolves with how many are left. */
  async waitForEnd(proxy: KernelProxy, timeoutMs: number, now: () => number): Promise<number> {
    const deadline = now() + timeoutMs;
    for (;;) {
      const live = (await this.conntrack.list(proxy.plan.family, proxy.id)).filter(isLive).length;
      if (live === 0 || now() >= deadline) return live;
      await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, Math.max(1, deadline - now()))));
    }
  }
}
