// What the kernel counted for one proxy, as the same once-a-second counter report a worker sends:
// rule counters and element counters turned into deltas, conntrack's live flows as the gauges.
// The supervisor records it like a worker's, so every API view and metric reads one shape. Pure.
import { emptyAclCounts, type AclLayerCounts } from '../../shared/acl/acl-counts.js';
import { zeroWorkerValues } from '../../shared/counters/counters.js';
import type { CounterReport } from '../../shared/ipc/protocol.js';
import { formatIpPort } from '../../shared/ip-port.js';
import { addressValue } from './address-ranges.js';
import type { AclInterval } from './acl-intervals.js';
import { isLive, type ConntrackEntry } from './conntrack-entries.js';
import type { KernelProxy } from './kernel-proxy.js';
import type { Count, ElementCount } from './nft-json.js';

/** The kernel's readings for one proxy in one report interval. */
export interface KernelReadings {
  counters: ReadonlyMap<string, Count>;
  /** Elements of the proxy's per-upstream flow set. */
  opened: readonly ElementCount[];
  /** Elements of its ACL maps, or null when no ACL applies. */
  acl: { global: readonly ElementCount[]; proxy: readonly ElementCount[] } | null;
}

export interface FlowGauges {
  tcp: number;
  udp: number;
  byUpstream: Map<string, number>;
}

export function flowGauges(flows: readonly ConntrackEntry[]): FlowGauges {
  const gauges: FlowGauges = { tcp: 0, udp: 0, byUpstream: new Map() };
  for (const flow of flows) {
    if (!isLive(flow)) continue;
    if (flow.protocol === 'tcp') gauges.tcp++;
    else gauges.udp++;
    const key = formatIpPort(flow.upstreamIp, flow.upstreamPort);
    gauges.byUpstream.set(key, (gauges.byUpstream.get(key) ?? 0) + 1);
  }
  return gauges;
}

function aclLayer(proxy: KernelProxy, layer: 'global' | 'proxy', elements: readonly ElementCount[], intervals: readonly AclInterval[] | null, into: AclLayerCounts): void {
  const byStart = new Map((intervals ?? []).map((i) => [i.from, i]));
  for (const element of elements) {
    const start = addressValue(element.start, proxy.plan.family);
    const piece = start === undefined ? undefined : byStart.get(start);
    if (piece === undefined) continue;
    const delta = proxy.deltas.delta(`acl ${layer} ${element.start}`, element.packets);
    if (piece.allow) into.allowed += delta;
    else into.denied += delta;
    if (piece.rule !== null && delta > 0) into.ruleHits[piece.rule] = (into.ruleHits[piece.rule] ?? 0) + delta;
  }
}

/** The report of one interval; `gauges` are the latest conntrack figures (kept between readings). */
export function kernelReport(proxy: KernelProxy, readings: KernelReadings, gauges: FlowGauges): CounterReport {
  const names = proxy.plan.objects.counters;
  const delta = (name: keyof typeof names, field: keyof Count = 'packets'): number => proxy.deltas.delta(`${name} ${field}`, readings.counters.get(names[name])?.[field] ?? 0);
  const acl = emptyAclCounts();
  if (readings.acl !== null) {
    aclLayer(proxy, 'global', readings.acl.global, proxy.heldAcl.global, acl.global);
    aclLayer(proxy, 'proxy', readings.acl.proxy, proxy.heldAcl.proxy, acl.proxy);
  }
  const banned = delta('banned');
  const opened = new Map<string, number>();
  for (const element of readings.opened) {
    const [ip = '', port = ''] = element.key.split(' . ');
    const key = formatIpPort(ip, Number(port));
    opened.set(key, proxy.deltas.delta(`opened ${key}`, element.packets));
  }
  const values = zeroWorkerValues('proxy');
  Object.assign(values, {
    activeTcpConnections: gauges.tcp,
    activeUdpSessions: gauges.udp,
    tcpConnections: delta('tcp_opened'),
    udpSessionsTotal: delta('udp_opened'),
    bytesIn: delta('bytes_in', 'bytes'),
    bytesOut: delta('bytes_out', 'bytes'),
    aclDenied: acl.global.denied + acl.proxy.denied,
    noHealthyUpstream: delta('no_upstream_tcp'),
    udpDropped: delta('no_upstream_udp'),
    l7Blocked: banned,
    suspendedRefused: delta('suspended'),
  });
  const upstreams = proxy.config.upstreams.map(({ ip, port }) => {
    const key = formatIpPort(ip, port);
    return { ip, port, healthy: proxy.healthy(ip, port), ...zeroWorkerValues('upstream'), active: gauges.byUpstream.get(key) ?? 0, opened: opened.get(key) ?? 0 };
  });
  return { ...values, acl, l7: { blocked: banned > 0 ? { banned } : {}, events: {} }, upstreams };
}
