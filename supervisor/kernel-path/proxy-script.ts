// One proxy's own objects in RouteX's table: four chains, its slot map, two ACL maps, the set that
// counts flows per upstream, and its counters. Created once per layout; their rules only read maps
// and sets, so everything that changes while the proxy runs is elements (element-script.ts). Pure.
import type { KernelPlan } from './kernel-plan.js';
import { BASE, hex32, MARK_MASK, ownerComment, PROXY_COUNTERS, proxyMark, TABLE_REF } from './nft-names.js';

const KEEP_OTHER_BITS = hex32(~MARK_MASK >>> 0);

function addr(plan: KernelPlan): 'ip' | 'ip6' {
  return plan.family === 4 ? 'ip' : 'ip6';
}

/** The expression that picks a slot for a new flow. */
export function slotSelector(plan: KernelPlan): string {
  const pick =
    plan.algorithm === 'ip-hash'
      ? `jhash ${addr(plan)} saddr mod ${plan.slots} seed ${hex32(plan.seed)}`
      : `numgen ${plan.algorithm === 'random' ? 'random' : 'inc'} mod ${plan.slots}`;
  return plan.oneToOne ? `th dport . ${pick}` : pick;
}

function declarations(plan: KernelPlan): string[] {
  const o = plan.objects;
  const a = addr(plan);
  const addrType = plan.family === 4 ? 'ipv4_addr' : 'ipv6_addr';
  const key = plan.oneToOne ? `th dport . numgen inc mod ${plan.slots}` : `numgen inc mod ${plan.slots}`;
  return [
    `add chain ${TABLE_REF} ${o.admit} { comment "${ownerComment(plan.name, plan.layout)}"; }`,
    `add chain ${TABLE_REF} ${o.nat}`,
    `add chain ${TABLE_REF} ${o.post}`,
    `add chain ${TABLE_REF} ${o.count}`,
    `add map ${TABLE_REF} ${o.slots} { typeof ${key} : ${a} daddr . th dport; }`,
    `add map ${TABLE_REF} ${o.aclGlobal} { type ${addrType} : verdict; flags interval; counter; }`,
    `add map ${TABLE_REF} ${o.aclProxy} { type ${addrType} : verdict; flags interval; counter; }`,
    `add set ${TABLE_REF} ${o.opened} { typeof ${a} daddr . th dport; flags dynamic; }`,
    ...PROXY_COUNTERS.map((name) => `add counter ${TABLE_REF} ${o.counters[name]}`),
  ];
}

function rules(plan: KernelPlan): [string, string][] {
  const o = plan.objects;
  const c = o.counters;
  const a = addr(plan);
  const mark = `ct mark and ${hex32(MARK_MASK)}`;
  return [
    [o.admit, `ct mark set ct mark and ${KEEP_OTHER_BITS} or ${hex32(proxyMark(plan.id))}`],
    // A TCP packet that opens no connection is one whose flow RouteX deleted (a killed connection,
    // a ban, an ACL change): forwarded anew it could reach the same upstream and carry on, so the
    // client gets a reset. ECN bits may accompany a SYN, hence the mask.
    [o.admit, 'tcp flags & (syn | ack) != syn reject with tcp reset'],
    [o.admit, `${a} saddr vmap @${o.aclGlobal}`],
    [o.admit, `${a} saddr vmap @${o.aclProxy}`],
    [o.admit, `${a} saddr @${BASE.bans[plan.family]} counter name ${c.banned} drop`],
    [o.admit, `${a} saddr @${BASE.banNets[plan.family]} counter name ${c.banned} drop`],
    // Refused TCP gets a reset at once, as a closed port would give; UDP is dropped.
    [o.admit, `${mark} @${BASE.suspended} meta l4proto tcp counter name ${c.suspended} reject with tcp reset`],
    [o.admit, `${mark} @${BASE.suspended} counter name ${c.suspended} drop`],
    [o.nat, `meta l4proto { tcp, udp } dnat ${a} addr . port to ${slotSelector(plan)} map @${o.slots}`],
    // Reached only when the slot map has no entry (no healthy upstream): counted, then the flow
    // goes on undiverted to this host, which refuses it (TCP reset, ICMP port unreachable).
    [o.nat, `meta l4proto tcp counter name ${c.no_upstream_tcp}`],
    [o.nat, `meta l4proto udp counter name ${c.no_upstream_udp}`],
    [o.post, `ct status dnat meta l4proto tcp counter name ${c.tcp_opened}`],
    [o.post, `ct status dnat meta l4proto udp counter name ${c.udp_opened}`],
    [o.post, `ct status dnat add @${o.opened} { ${a} daddr . th dport counter }`],
    [o.post, `ct status dnat masquerade`],
    [o.count, `ct direction original counter name ${c.bytes_in}`],
    [o.count, `ct direction reply counter name ${c.bytes_out}`],
  ];
}

/** Creates the proxy's objects and rules (none of them may exist yet). */
export function createProxyScript(plan: KernelPlan): string[] {
  return [...declarations(plan), ...rules(plan).map(([chain, rule]) => `add rule ${TABLE_REF} ${chain} ${rule}`)];
}

/**
 * Removes every object of proxy `id` (its chains, maps, sets, counters), given that no dispatch
 * element points at its chains any more (they are deleted or flushed first, in the same batch).
 */
export function deleteProxyScript(objects: KernelPlan['objects']): string[] {
  return [
    ...objects.chains.map((chain) => `flush chain ${TABLE_REF} ${chain}`),
    ...objects.chains.map((chain) => `delete chain ${TABLE_REF} ${chain}`),
    ...objects.sets.map((set) => `delete ${set === objects.opened ? 'set' : 'map'} ${TABLE_REF} ${set}`),
    ...PROXY_COUNTERS.map((name) => `delete counter ${TABLE_REF} ${objects.counters[name]}`),
  ];
}
