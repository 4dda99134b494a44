// What an earlier RouteX left in the table (rules outlive the process: a SIGKILL, a crash): the
// proxies that still exist with the same rule layout are adopted as they are (their flows keep
// going, their elements are brought up to date), everything else is removed. Reads the kernel;
// the caller applies the returned lines together with the base table, in one transaction.
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { ADMISSION_SETS, DISPATCH_MAPS } from './base-script.js';
import { planOf } from './kernel-plan.js';
import { TABLE_COMMENT, TABLE_REF, ProxyObjects } from './nft-names.js';
import { deleteProxyScript } from './proxy-script.js';
import { diffScript, elementsOf, type ElementState } from './proxy-elements.js';
import { readListing, type NftTable } from './nft-table.js';

export interface ReconcileResult {
  /** Lines that remove what must go (run before the base script). */
  lines: string[];
  /** Proxy name → number, for proxies whose objects stay. */
  adopted: Map<string, number>;
  /** The shared maps' and sets' elements as the kernel holds them now (for adopted proxies). */
  shared: ElementState;
  /** Names of the proxies removed, for the log. */
  removed: string[];
}

/** The dispatch maps' and admission sets' elements as the kernel holds them. */
export async function readShared(table: NftTable): Promise<ElementState> {
  const shared: ElementState = new Map();
  for (const name of DISPATCH_MAPS) shared.set(name, new Map((await table.elements('map', name)).map((e) => [e.key, e.value])));
  for (const name of ADMISSION_SETS) shared.set(name, new Map((await table.elements('set', name)).map((e) => [e.key, ''])));
  return shared;
}

export async function reconcileTable(table: NftTable, configs: readonly ProxyConfig[]): Promise<ReconcileResult> {
  const result: ReconcileResult = { lines: [], adopted: new Map(), shared: new Map(), removed: [] };
  const listing = await table.listing();
  if (listing === null) return result;
  const { comment, proxies } = readListing(listing);
  if (comment !== TABLE_COMMENT) {
    // Another layout version (or not RouteX's doing): start again from nothing.
    result.lines.push(`delete table ${TABLE_REF}`);
    result.removed.push(...proxies.map((p) => p.owner?.proxy ?? `p${p.id}`));
    return result;
  }
  result.shared = await readShared(table);
  const byName = new Map(configs.map((c) => [c.name, c]));
  for (const { id, owner } of proxies) {
    const config = owner === null ? undefined : byName.get(owner.proxy);
    if (config !== undefined && owner !== null && !result.adopted.has(owner.proxy) && planOf(config, id).layout === owner.layout) {
      result.adopted.set(owner.proxy, id);
      continue;
    }
    result.lines.push(...diffScript(TABLE_REF, elementsOf(result.shared, id), new Map()), ...deleteProxyScript(new ProxyObjects(id)));
    result.removed.push(owner?.proxy ?? `p${id}`);
  }
  return result;
}
