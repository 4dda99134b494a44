// A kernel-mode proxy as nftables sees it: which packets are its (origin ip × protocol × port),
// which slot map each one looks up (one group, or one per origin port in one-to-one mode), and
// the shape of its rules. Everything that can change while the proxy runs (upstreams, weights,
// health, ACLs, origins) is map or set elements; `layout` names the rest, so a config change with
// the same layout only swaps elements. Pure: no I/O.
import type { ProxyConfig, TransportProtocol } from '../../shared/config/resolved-types.js';
import { isUnspecifiedIp } from '../../shared/config/ip-list.js';
import { formatIpPort } from '../../shared/ip-port.js';
import type { Family } from './address-ranges.js';
import { ProxyObjects, LAYOUT_VERSION } from './nft-names.js';
import { slotCount, type KernelAlgorithm, type SlotUpstream } from './slot-table.js';

export interface KernelOrigin {
  /** null: every local address of the family (origin-ip 0.0.0.0 or ::). */
  ip: string | null;
  protocol: TransportProtocol;
  port: number;
}

export interface SlotGroup {
  /** The origin port whose flows use this group (one-to-one), or null for the one group of fan-out. */
  port: number | null;
  members: SlotUpstream[];
}

export interface KernelPlan {
  name: string;
  id: number;
  family: Family;
  objects: ProxyObjects;
  origins: KernelOrigin[];
  groups: SlotGroup[];
  oneToOne: boolean;
  slots: number;
  algorithm: KernelAlgorithm;
  /** jhash seed of ip-hash: fixed per proxy name, so a client keeps its upstream across restarts. */
  seed: number;
  /** An origin covers 127.0.0.0/8, so local clients reach it through 127.x (needs route_localnet). */
  loopback: boolean;
  /** The shape of the proxy's rules: equal layouts differ in elements only. */
  layout: string;
}

/** 32-bit FNV-1a: a stable number from the proxy's name. */
export function nameSeed(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function planOf(config: ProxyConfig, id: number): KernelPlan {
  const family: Family = config.destIps[0]?.includes(':') ? 6 : 4;
  const algorithm = config.balancing.algorithm === 'least-conn' ? 'round-robin' : config.balancing.algorithm;
  const groups: SlotGroup[] = config.upstreamGroups.map((indexes, k) => ({
    port: config.oneToOne ? config.originPorts[k]! : null,
    members: indexes.map((i) => ({ ...config.upstreams[i]! })),
  }));
  const largest = Math.max(1, ...groups.map((g) => g.members.length));
  const slots = slotCount(largest, algorithm, config.oneToOne);
  const seed = nameSeed(config.name);
  const selector = algorithm === 'ip-hash' ? `hash${seed.toString(16)}` : algorithm === 'random' ? 'random' : 'inc';
  return {
    name: config.name,
    id,
    family,
    objects: new ProxyObjects(id),
    origins: config.listeners.map((l) => ({ ip: isUnspecifiedIp(l.ip) ? null : l.ip, protocol: l.protocol, port: l.port })),
    groups,
    oneToOne: config.oneToOne,
    slots,
    algorithm,
    seed,
    loopback: config.originIps.some((ip) => ip === '0.0.0.0' || ip.startsWith('127.')),
    layout: `v${LAYOUT_VERSION}.${id}.ip${family}.${config.oneToOne ? 'o2o' : 'fan'}.${slots}.${selector}`,
  };
}

export function upstreamKeyOf(u: { ip: string; port: number }): string {
  return formatIpPort(u.ip, u.port);
}
