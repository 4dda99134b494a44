import type { ProxySnapshot, ProxySummary } from '../api/types.js';

/** One line of the overview table: the proxy list, brought up to date by the live snapshot. */
export interface OverviewRow {
  name: string;
  tags: string[];
  state: string;
  pid: number | null;
  restarts: number;
  activeConnections: number;
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  upstreamsHealthy: number;
  upstreamsTotal: number;
  suspended: boolean;
  l7BlockedPerSecond: number;
  lastError: string | null;
  configErrors: number;
}

export type SortKey = keyof Pick<OverviewRow, 'name' | 'state' | 'restarts' | 'activeConnections' | 'bytesInPerSecond' | 'bytesOutPerSecond' | 'upstreamsHealthy' | 'l7BlockedPerSecond'>;

export function overviewRow(proxy: ProxySummary, live: ProxySnapshot | undefined): OverviewRow {
  const upstreams = live?.upstreams ?? [];
  return {
    name: proxy.name,
    tags: proxy.tags,
    state: live?.state ?? proxy.state,
    pid: live === undefined ? proxy.pid : live.pid,
    restarts: Math.max(live?.restarts ?? 0, proxy.restarts),
    activeConnections: live?.values.active_connections ?? proxy.active_connections,
    bytesInPerSecond: live?.per_second.bytes_in ?? 0,
    bytesOutPerSecond: live?.per_second.bytes_out ?? 0,
    upstreamsHealthy: upstreams.filter((u) => u.values.healthy === 1).length,
    upstreamsTotal: upstreams.length,
    suspended: live === undefined ? proxy.suspended : live.values.suspended === 1,
    l7BlockedPerSecond: live?.per_second.l7_blocked ?? 0,
    lastError: proxy.last_error?.message ?? null,
    configErrors: proxy.config_errors.length,
  };
}

export function sortRows(rows: OverviewRow[], key: SortKey, descending: boolean): OverviewRow[] {
  const sorted = [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order !== 0 ? order : a.name.localeCompare(b.name);
  });
  return descending ? sorted.reverse() : sorted;
}

export function allTags(proxies: ProxySummary[]): string[] {
  return [...new Set(proxies.flatMap((p) => p.tags))].sort();
}
