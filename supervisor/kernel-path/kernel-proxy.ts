// One kernel-mode proxy as the supervisor keeps it: its plan, what the worker says of its
// upstreams' health, whether it is suspended or draining, and the elements the kernel holds for
// it. `desired()` is what the kernel should hold; the difference is what a change writes. Pure.
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { AclInterval } from './acl-intervals.js';
import { TABLE_REF } from './nft-names.js';
import { planOf, upstreamKeyOf, type KernelPlan } from './kernel-plan.js';
import { aclElements, admissionElements, diffScript, dispatchElements, elementsOf, slotElements, type ElementState } from './proxy-elements.js';
import { createProxyScript, deleteProxyScript } from './proxy-script.js';
import { DeltaTracker } from './delta-tracker.js';


interface AclLayerState {
  elements: Map<string, string>;
  intervals: AclInterval[];
}

let instances = 0;

export class KernelProxy {
  plan: KernelPlan;
  /** Tells this instance's reports apart from a predecessor's that still drains (negative: never a worker pid). */
  readonly instance = -++instances;
  /** Effective health by `ip:port`, as the worker reported it; absent = healthy. */
  readonly health = new Map<string, boolean>();
  suspended = false;
  /** Draining: no new flows (its origins are out of the dispatch maps), live ones go on. */
  draining = false;
  /** The dispatch, admission and slot elements the kernel holds for this proxy, as RouteX wrote them. */
  held: ElementState = new Map();
  /** The ACL pieces in the kernel, per layer (null: unknown, written afresh next time). */
  heldAcl: { global: AclInterval[] | null; proxy: AclInterval[] | null } = { global: null, proxy: null };
  /** Counter readings, to turn the kernel's running totals into per-report deltas. */
  readonly deltas = new DeltaTracker();

  constructor(
    public config: ProxyConfig,
    id: number,
  ) {
    this.plan = planOf(config, id);
  }

  get name(): string {
    return this.config.name;
  }

  get id(): number {
    return this.plan.id;
  }

  /** A new config: the plan it would have (same layout ⇒ elements only). */
  planFor(config: ProxyConfig): KernelPlan {
    return planOf(config, this.plan.id);
  }

  healthy(ip: string, port: number): boolean {
    return this.health.get(upstreamKeyOf({ ip, port })) !== false;
  }

  desired(): ElementState {
    const state = dispatchElements(this.plan, !this.draining);
    state.set(this.plan.objects.slots, slotElements(this.plan, this.health));
    return admissionElements(this.plan, this.suspended, state);
  }

  acl(): { global: AclLayerState; proxy: AclLayerState } {
    return { global: aclElements(this.config.globalAcl, this.plan), proxy: aclElements(this.config.acl, this.plan) };
  }

  /** Both ACL layers as comparable text: equal texts, equal kernel maps. */
  aclText(): string {
    const { global, proxy } = this.acl();
    return JSON.stringify([[...global.elements], [...proxy.elements]]);
  }

  /** The lines that create this proxy's objects and every element it needs. */
  createScript(): string[] {
    return [...createProxyScript(this.plan), ...diffScript(TABLE_REF, new Map(), this.desired()), ...this.aclScript(true)];
  }

  /** The lines that take the kernel from `held` to `desired()`; ACL maps rewritten when they changed. */
  updateScript(): string[] {
    return [...diffScript(TABLE_REF, this.held, this.desired()), ...this.aclScript(false)];
  }

  /** The lines that remove every element and object of this proxy. */
  deleteScript(): string[] {
    const shared = new Map([...this.held].filter(([name]) => name !== this.plan.objects.slots));
    return [...diffScript(TABLE_REF, shared, new Map()), ...deleteProxyScript(this.plan.objects)];
  }

  /** Removes the objects of this proxy's number given the shared elements the kernel holds (`shared`). */
  deleteScriptFrom(shared: ElementState): string[] {
    this.held = elementsOf(shared, this.id);
    return this.deleteScript();
  }

  /** After a script went through: the kernel now holds what was desired. */
  written(): void {
    this.held = this.desired();
    const acl = this.acl();
    this.heldAcl = { global: acl.global.intervals, proxy: acl.proxy.intervals };
  }

  private aclScript(fresh: boolean): string[] {
    const lines: string[] = [];
    const acl = this.acl();
    for (const layer of ['global', 'proxy'] as const) {
      const map = layer === 'global' ? this.plan.objects.aclGlobal : this.plan.objects.aclProxy;
      const next = acl[layer];
      const held = this.heldAcl[layer];
      if (!fresh && held !== null && sameIntervals(held, next.intervals)) continue;
      if (!fresh) lines.push(`flush map ${TABLE_REF} ${map}`);
      lines.push(...diffScript(TABLE_REF, new Map(), new Map([[map, next.elements]])));
    }
    return lines;
  }
}

function sameIntervals(a: AclInterval[], b: AclInterval[]): boolean {
  return a.length === b.length && a.every((x, i) => x.from === b[i]!.from && x.to === b[i]!.to && x.allow === b[i]!.allow && x.rule === b[i]!.rule);
}
