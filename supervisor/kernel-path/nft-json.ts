// Reading `nft -j` output: named counters, and the elements of a set or map with their counters.
// Element keys come back as nft prints them (an address, `a-b`, `net/len`, `a . b` for a
// concatenation); `start` is the first address of an interval, to match a piece RouteX wrote. Pure.

export interface Count {
  packets: number;
  bytes: number;
}

export interface ElementCount extends Count {
  key: string;
  /** First address of an interval element (the key itself otherwise). */
  start: string;
  /** A map element's value (`continue`, `drop`, `jump x`, `10.0.0.1 . 80`); '' in a set. */
  value: string;
}

interface NftDocument {
  nftables?: Record<string, unknown>[];
}

function items(json: string): Record<string, unknown>[] {
  return (JSON.parse(json) as NftDocument).nftables ?? [];
}

/** Named counter → its count, from `nft -j list counters table ...`. */
export function parseCounters(json: string): Map<string, Count> {
  const counters = new Map<string, Count>();
  for (const item of items(json)) {
    const counter = item['counter'] as { name?: string; packets?: number; bytes?: number } | undefined;
    if (counter?.name !== undefined) counters.set(counter.name, { packets: counter.packets ?? 0, bytes: counter.bytes ?? 0 });
  }
  return counters;
}

function text(value: unknown): { key: string; start: string } {
  if (typeof value === 'string' || typeof value === 'number') return { key: String(value), start: String(value) };
  if (typeof value !== 'object' || value === null) return { key: '', start: '' };
  const v = value as { range?: unknown[]; prefix?: { addr: string; len: number }; concat?: unknown[] } & Record<string, unknown>;
  if (v.range !== undefined) {
    const [from, to] = v.range.map((x) => text(x).key);
    return { key: `${from}-${to}`, start: from ?? '' };
  }
  if (v.prefix !== undefined) return { key: `${v.prefix.addr}/${v.prefix.len}`, start: v.prefix.addr };
  if (v.concat !== undefined) {
    const key = v.concat.map((x) => text(x).key).join(' . ');
    return { key, start: key };
  }
  // A verdict (`{"continue": null}`, `{"jump": {"target": "x"}}`).
  const [verdict] = Object.keys(v);
  const target = (v[verdict ?? ''] as { target?: string } | null)?.target;
  const key = target === undefined ? (verdict ?? '') : `${verdict} ${target}`;
  return { key, start: key };
}

function elementOf(raw: unknown): ElementCount {
  const pair = Array.isArray(raw) ? raw : [raw, undefined];
  const [keyPart, valuePart] = pair as [unknown, unknown];
  const wrapped = typeof keyPart === 'object' && keyPart !== null && 'elem' in keyPart ? (keyPart as { elem: { val: unknown; counter?: Count } }).elem : null;
  const { key, start } = text(wrapped === null ? keyPart : wrapped.val);
  return { key, start, value: valuePart === undefined ? '' : text(valuePart).key, packets: wrapped?.counter?.packets ?? 0, bytes: wrapped?.counter?.bytes ?? 0 };
}

/** The elements of the one set or map in `nft -j list set|map ...`. */
export function parseElements(json: string): ElementCount[] {
  for (const item of items(json)) {
    const set = (item['set'] ?? item['map']) as { elem?: unknown[] } | undefined;
    if (set !== undefined) return (set.elem ?? []).map(elementOf);
  }
  return [];
}
