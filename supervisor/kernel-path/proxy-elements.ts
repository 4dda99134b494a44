// The elements one proxy owns: its entries in the dispatch maps (which packets are its), its slot
// map (which upstream a new flow goes to, from health and weights) and its ACL maps. Kept as
// element text → value text, so two states can be diffed into the few deletes and adds that take
// the kernel from one to the other in one transaction. Pure.
import type { AclConfig } from '../../shared/config/resolved-types.js';
import { aclIntervals, type AclInterval } from './acl-intervals.js';
import { rangeText } from './address-ranges.js';
import type { KernelPlan } from './kernel-plan.js';
import { upstreamKeyOf } from './kernel-plan.js';
import { BASE, proxyMark } from './nft-names.js';
import { DISPATCH_MAPS } from './base-script.js';
import { fillSlots } from './slot-table.js';

/** element key → value (`''` for a set element); one per map or set. */
export type Elements = Map<string, string>;
/** Map or set name → its elements. */
export type ElementState = Map<string, Elements>;

/** Which upstreams are healthy, by `ip:port`; an absent upstream counts as healthy (targets start healthy). */
export type HealthView = ReadonlyMap<string, boolean>;

function element(map: ElementState, name: string): Elements {
  let elements = map.get(name);
  if (elements === undefined) map.set(name, (elements = new Map()));
  return elements;
}

/**
 * The dispatch entries: origin → goto the admit chain (left out while draining: new flows then meet
 * no rule and the host refuses them, as a closed listener would); mark → the nat, post and count
 * chains, which the proxy's live flows keep using.
 */
export function dispatchElements(plan: KernelPlan, origins = true, into: ElementState = new Map()): ElementState {
  const o = plan.objects;
  for (const origin of origins ? plan.origins : []) {
    if (origin.ip === null) element(into, BASE.wildcards[plan.family]).set(`${origin.protocol} . ${origin.port}`, `goto ${o.admit}`);
    else element(into, BASE.origins[plan.family]).set(`${origin.ip} . ${origin.protocol} . ${origin.port}`, `goto ${o.admit}`);
  }
  // Decimal, as `nft -j` lists marks, so what RouteX wrote and what it reads back compare equal.
  const mark = String(proxyMark(plan.id));
  element(into, BASE.natChains).set(mark, `jump ${o.nat}`);
  element(into, BASE.postChains).set(mark, `jump ${o.post}`);
  element(into, BASE.countChains).set(mark, `jump ${o.count}`);
  return into;
}

/** The slot map for the current health of the upstreams. */
export function slotElements(plan: KernelPlan, health: HealthView): Elements {
  const slots: Elements = new Map();
  for (const group of plan.groups) {
    const healthy = group.members.map((m) => health.get(upstreamKeyOf(m)) !== false);
    const filled = fillSlots(group.members, healthy, plan.slots, plan.algorithm);
    filled.forEach((member, slot) => {
      const upstream = group.members[member]!;
      const key = group.port === null ? `${slot}` : `${group.port} . ${slot}`;
      slots.set(key, `${upstream.ip} . ${upstream.port}`);
    });
  }
  return slots;
}

/** One ACL layer as interval-map elements (`range : continue|drop`), and which rule each came from. */
export function aclElements(acl: AclConfig, plan: KernelPlan): { elements: Elements; intervals: AclInterval[] } {
  const intervals = aclIntervals(acl, plan.family);
  const elements: Elements = new Map(intervals.map((i) => [rangeText(i.from, i.to, plan.family), i.allow ? 'continue' : 'drop']));
  return { elements, intervals };
}

/** Admission: whether the proxy's mark is in the suspended set. */
export function admissionElements(plan: KernelPlan, suspended: boolean, into: ElementState = new Map()): ElementState {
  if (suspended) element(into, BASE.suspended).set(String(proxyMark(plan.id)), '');
  return into;
}

/** The shared elements of proxy `id` in `shared`: dispatch entries pointing at its chains, its mark in the admission sets. */
export function elementsOf(shared: ElementState, id: number): ElementState {
  const own: ElementState = new Map();
  const chainPrefix = new RegExp(`^(goto|jump) p${id}_`);
  const mark = String(proxyMark(id));
  for (const [name, elements] of shared) {
    const mine = [...elements].filter(([key, value]) => (DISPATCH_MAPS.includes(name) ? chainPrefix.test(value) : key === mark));
    if (mine.length > 0) own.set(name, new Map(mine));
  }
  return own;
}

const CHUNK = 500;

function entry(key: string, value: string): string {
  return value === '' ? key : `${key} : ${value}`;
}

function chunked(command: string, items: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += CHUNK) lines.push(`${command} { ${items.slice(i, i + CHUNK).join(', ')} }`);
  return lines;
}

/**
 * The deletes and adds that turn `before` into `after` (a changed value is a delete and an add).
 * `tableRef` + set name address each set. Sets absent from `after` lose all their elements.
 */
export function diffScript(tableRef: string, before: ElementState, after: ElementState): string[] {
  const deletes: string[] = [];
  const adds: string[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(name) ?? new Map<string, string>();
    const next = after.get(name) ?? new Map<string, string>();
    const gone = [...old].filter(([key, value]) => next.get(key) !== value).map(([key]) => key);
    const added = [...next].filter(([key, value]) => old.get(key) !== value).map(([key, value]) => entry(key, value));
    deletes.push(...chunked(`delete element ${tableRef} ${name}`, gone));
    adds.push(...chunked(`add element ${tableRef} ${name}`, added));
  }
  return [...deletes, ...adds];
}

/** Every element of `state`, added (after a flush of the sets, or into new ones). */
export function addAllScript(tableRef: string, state: ElementState): string[] {
  return diffScript(tableRef, new Map(), state);
}
