// One entry of the ban list, as the supervisor keeps it and sends it to workers. The list is the
// supervisor's (SQLite, one for all proxies); workers hold a copy to check new connections.

export interface Ban {
  /** Canonical CIDR: `203.0.113.7/32`, `2001:db8::/48` (a single address is a /32 or /128). */
  target: string;
  reason: string;
  /** Who banned: a proxy's name (scoring, connection cycling) or `api`. */
  source: string;
  /** The cluster node that banned it (`cluster.node_id`); null on a single node. */
  node: string | null;
  createdAtMs: number;
  /** Unix ms when the ban lifts by itself; null = until unbanned. */
  expiresAtMs: number | null;
}

/** The text a single-address target is shown as in the API: the address without `/32`/`/128`. */
export function banDisplayTarget(target: string): string {
  return target.endsWith('/32') && !target.includes(':') ? target.slice(0, -3) : target.endsWith('/128') ? target.slice(0, -4) : target;
}
