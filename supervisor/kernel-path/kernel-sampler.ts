// Once a second, what the kernel counted for every kernel-mode proxy, reported like a worker's
// counters. Rule counters are cheap to read (one nft run for all proxies); conntrack's flow list
// grows with the traffic, so it is read less often as it gets slower to read (at most ~2 % of a
// core), and the active-connection gauges hold their last value in between.
import { aclApplies } from '../../shared/acl/acl-gate.js';
import type { CounterReport } from '../../shared/ipc/protocol.js';
import type { Family } from './address-ranges.js';
import type { ConntrackClient } from './conntrack-client.js';
import type { ConntrackEntry } from './conntrack-entries.js';
import { flowGauges, kernelReport, type FlowGauges } from './kernel-report.js';
import type { KernelProxy } from './kernel-proxy.js';
import type { NftTable } from './nft-table.js';
import type { ElementCount } from './nft-json.js';

/**
 * Where reports go: the proxy's name, a key of this kernel instance of it (a restarted proxy may
 * still drain its predecessor's flows), and the report, or null when the instance is gone.
 */
export type ReportSink = (proxy: string, instance: number, report: CounterReport | null) => void;

const MIN_FLOW_INTERVAL_MS = 1000;
const MAX_FLOW_INTERVAL_MS = 30_000;
/** Reading the flow list may take at most 1/50 of the time between two readings. */
const FLOW_DUTY = 50;

export class KernelSampler {
  private readonly gauges = new Map<KernelProxy, FlowGauges>();
  private nextFlowsAt = 0;

  constructor(
    private readonly table: NftTable,
    private readonly conntrack: ConntrackClient,
    private readonly sink: ReportSink,
    private readonly now: () => number = Date.now,
  ) {}

  /** The latest flow gauges of `proxy` (active connections per upstream), if read yet. */
  gaugesOf(proxy: KernelProxy): FlowGauges | undefined {
    return this.gauges.get(proxy);
  }

  forget(proxy: KernelProxy): void {
    this.gauges.delete(proxy);
    this.sink(proxy.name, proxy.instance, null);
  }

  async sample(proxies: readonly KernelProxy[]): Promise<void> {
    if (proxies.length === 0) return;
    const counters = await this.table.counters();
    const flows = await this.flowsIfDue(proxies);
    for (const proxy of proxies) {
      if (flows !== null) this.gauges.set(proxy, flowGauges(flows.get(proxy.id) ?? []));
      const opened = await this.table.elements('set', proxy.plan.objects.opened);
      const readings = { counters, opened, acl: await this.aclOf(proxy) };
      this.sink(proxy.name, proxy.instance, kernelReport(proxy, readings, this.gauges.get(proxy) ?? { tcp: 0, udp: 0, byUpstream: new Map() }));
    }
  }

  private async aclOf(proxy: KernelProxy): Promise<{ global: ElementCount[]; proxy: ElementCount[] } | null> {
    const { globalAcl, acl } = proxy.config;
    if (!aclApplies(globalAcl) && !aclApplies(acl)) return null;
    const objects = proxy.plan.objects;
    return { global: await this.table.elements('map', objects.aclGlobal), proxy: await this.table.elements('map', objects.aclProxy) };
  }

  /** Every RouteX flow by proxy number, when a reading is due; null otherwise. */
  private async flowsIfDue(proxies: readonly KernelProxy[]): Promise<Map<number, ConntrackEntry[]> | null> {
    const started = this.now();
    if (started < this.nextFlowsAt) return null;
    const families = new Set<Family>(proxies.map((p) => p.plan.family));
    const byProxy = new Map<number, ConntrackEntry[]>();
    for (const family of families) {
      for (const entry of await this.conntrack.list(family)) {
        const list = byProxy.get(entry.proxyId);
        if (list === undefined) byProxy.set(entry.proxyId, [entry]);
        else list.push(entry);
      }
    }
    const took = this.now() - started;
    this.nextFlowsAt = started + Math.min(MAX_FLOW_INTERVAL_MS, Math.max(MIN_FLOW_INTERVAL_MS, took * FLOW_DUTY));
    return byProxy;
  }
}
