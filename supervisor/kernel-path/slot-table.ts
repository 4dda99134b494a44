// Balancing in the kernel: each upstream group is a map from S slots to upstreams, and the rule
// picks a slot (numgen inc for round-robin and weighted, numgen random, jhash of the source for
// ip-hash). S is fixed by the group's size, so an eject, a readmit or a new weight only rewrites map
// elements, never the rule. Pure: no I/O.
import type { Algorithm } from '../../shared/config/resolved-types.js';

export interface SlotUpstream {
  ip: string;
  port: number;
  weight: number;
}

/** The algorithms the kernel path runs (least-conn is refused by the config checks). */
export type KernelAlgorithm = Exclude<Algorithm, 'least-conn'>;

/**
 * Slots of a group of `size` upstreams: 1 for a lone upstream of a one-to-one port, 60 (every
 * count of healthy upstreams up to 6 divides it evenly) up to 6, 720 (divisible by 1-6, 8-10, 12,
 * 15, 16, ...) beyond, and more for very large groups. Weighted groups get at least 720, so a
 * weight is kept to within 0.14 % of the slots.
 */
export function slotCount(size: number, algorithm: KernelAlgorithm, oneToOne: boolean): number {
  if (size <= 1 && oneToOne) return 1;
  const large = 720 * Math.max(1, Math.ceil(size / 180));
  if (algorithm === 'weighted') return large;
  return size <= 6 ? 60 : large;
}

/**
 * Which upstream each slot sends new flows to (index into `members`), given which are healthy.
 * Empty when none is healthy: the lookup then misses and the flow is refused and counted.
 */
export function fillSlots(members: readonly SlotUpstream[], healthy: readonly boolean[], slots: number, algorithm: KernelAlgorithm): number[] {
  const up = members.map((_, i) => i).filter((i) => healthy[i] === true);
  if (up.length === 0) return [];
  if (algorithm === 'weighted') return weightedOrder(up.map((i) => members[i]!.weight), slots).map((k) => up[k]!);
  if (algorithm === 'ip-hash') return hashSlots(members.length, up, healthy, slots);
  return Array.from({ length: slots }, (_, s) => up[s % up.length]!);
}

/**
 * Quotas by largest remainder (every healthy upstream gets at least one slot), laid out in smooth
 * weighted round-robin order so that `numgen inc` interleaves them (3:1 → a a b a, a a b a, ...).
 */
export function weightedOrder(weights: readonly number[], slots: number): number[] {
  const quotas = quotasOf(weights, slots);
  const current = quotas.map(() => 0);
  const order: number[] = [];
  for (let s = 0; s < slots; s++) {
    let best = 0;
    for (let k = 0; k < quotas.length; k++) {
      current[k]! += quotas[k]!;
      if (current[k]! > current[best]!) best = k;
    }
    current[best]! -= slots;
    order.push(best);
  }
  return order;
}

function quotasOf(weights: readonly number[], slots: number): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const exact = weights.map((w) => (w * slots) / total);
  const quotas = exact.map((x) => Math.max(1, Math.floor(x)));
  let left = slots - quotas.reduce((sum, q) => sum + q, 0);
  const byRemainder = exact.map((x, k) => ({ k, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.k - b.k);
  for (let i = 0; left > 0; i = (i + 1) % byRemainder.length, left--) quotas[byRemainder[i]!.k]!++;
  // Minimums of 1 may overshoot when there are more upstreams than slots allow: take from the largest.
  while (left < 0) {
    const largest = quotas.indexOf(Math.max(...quotas));
    quotas[largest]!--;
    left++;
  }
  return quotas;
}

/**
 * ip-hash: slot s belongs to member s mod n while that member is healthy, so a client keeps its
 * upstream through other upstreams' ejects; the slots of unhealthy members are shared out among the
 * healthy ones in turn, and go back when their member is readmitted.
 */
function hashSlots(size: number, up: readonly number[], healthy: readonly boolean[], slots: number): number[] {
  let orphan = 0;
  return Array.from({ length: slots }, (_, s) => {
    const home = s % size;
    return healthy[home] === true ? home : up[orphan++ % up.length]!;
  });
}
