// Problems between proxy files: a name used twice, or two proxies that would bind the same
// ip:port:transport. Each is reported on the later file, naming the earlier one, so the proxy that
// was there first keeps running.
import type { ConfigIssue } from './errors.js';
import type { ListenerSpec, ProxyConfig } from './resolved-types.js';

export interface ProxySetEntry {
  file: string;
  config: ProxyConfig;
}

interface Bound {
  entry: ProxySetEntry;
  listener: ListenerSpec;
}

/** `entries` in load order (file name order). Disabled proxies bind nothing, so only their names count. */
export function checkProxySet(entries: readonly ProxySetEntry[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, ProxySetEntry>();
  const bound = new Map<string, Bound[]>();
  for (const entry of entries) {
    const key = entry.config.name.toLowerCase();
    const owner = names.get(key);
    if (owner === undefined) names.set(key, entry);
    else issues.push({ file: entry.file, path: 'name', message: `"${entry.config.name}" is already the name of the proxy in ${owner.file}; names must be unique (ignoring case)` });
    if (entry.config.enabled) issues.push(...overlapIssues(entry, bound));
  }
  return issues;
}

/** Checks `entry`'s listeners against those bound before it, then records them as bound. */
function overlapIssues(entry: ProxySetEntry, bound: Map<string, Bound[]>): ConfigIssue[] {
  const clashes = new Map<ProxySetEntry, [ListenerSpec, ListenerSpec][]>();
  for (const listener of entry.config.listeners) {
    for (const other of bound.get(slot(listener)) ?? []) {
      if (other.entry !== entry && ipsOverlap(listener.ip, other.listener.ip)) {
        append(clashes, other.entry, [listener, other.listener]);
      }
    }
  }
  for (const listener of entry.config.listeners) append(bound, slot(listener), { entry, listener });
  return [...clashes].map(([other, pairs]) => {
    const [mine, theirs] = pairs[0] as [ListenerSpec, ListenerSpec]; // every list in clashes has one
    const more = pairs.length > 1 ? ` (and ${pairs.length - 1} more overlaps with that proxy)` : '';
    return {
      file: entry.file,
      path: 'origin-port',
      message: `${address(mine)} overlaps ${address(theirs)} of proxy "${other.config.name}" in ${other.file}${more}`,
    };
  });
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function slot(listener: ListenerSpec): string {
  return `${listener.port}/${listener.protocol}`;
}

/** `::` takes every address on its port (dual stack), `0.0.0.0` every IPv4 address. */
function ipsOverlap(a: string, b: string): boolean {
  if (a === b || a === '::' || b === '::') return true;
  return (a === '0.0.0.0' && !b.includes(':')) || (b === '0.0.0.0' && !a.includes(':'));
}

function address(listener: ListenerSpec): string {
  const host = listener.ip.includes(':') ? `[${listener.ip}]` : listener.ip;
  return `${host}:${listener.port}/${listener.protocol}`;
}
