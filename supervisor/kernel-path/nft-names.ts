// Names of everything RouteX keeps in its own nftables table (`inet routex`), and the proxy number
// each kernel-mode proxy writes into the conntrack mark of its flows. Pure: no I/O.
//
// The mark: bits 16-27 of `ct mark` hold the proxy's number (1-4095); the other bits are left as
// they were, for any other software that marks connections (wg-quick uses the low 16 bits).

export const NFT_FAMILY = 'inet';
export const NFT_TABLE = 'routex';
/** The whole table as nft commands name it. */
export const TABLE_REF = `${NFT_FAMILY} ${NFT_TABLE}`;
/** Bumped when the base chains, shared sets or a proxy's rules change shape: an older table is rebuilt at start. */
export const LAYOUT_VERSION = 2;
export const TABLE_COMMENT = `RouteX kernel forwarding (data_path: kernel), layout ${LAYOUT_VERSION}; managed by routex, changes here are replaced`;

export const MARK_SHIFT = 16;
export const MARK_MASK = 0x0fff0000;
export const MAX_PROXY_ID = MARK_MASK >>> MARK_SHIFT;

/** The mark bits of proxy `id`. */
export function proxyMark(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > MAX_PROXY_ID) throw new RangeError(`kernel proxy id ${id} is outside 1-${MAX_PROXY_ID}`);
  return (id << MARK_SHIFT) >>> 0;
}

/** `0x00030000`: how nft writes a mark. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** The proxy number carried by a conntrack mark, or 0 when the flow is not RouteX's. */
export function proxyIdOfMark(mark: number): number {
  return ((mark & MARK_MASK) >>> MARK_SHIFT) & MAX_PROXY_ID;
}

/** Shared objects of the table. */
export const BASE = {
  classify: 'classify',
  preroutingFilter: 'prerouting_filter',
  outputFilter: 'output_filter',
  preroutingNat: 'prerouting_nat',
  outputNat: 'output_nat',
  postroutingNat: 'postrouting_nat',
  forwardCount: 'forward_count',
  inputCount: 'input_count',
  outputCount: 'output_count',
  /** `ip . l4proto . port` → goto the proxy's admit chain, per family. */
  origins: { 4: 'origins4', 6: 'origins6' },
  /** `l4proto . port` of proxies listening on every address (0.0.0.0 / ::), per family. */
  wildcards: { 4: 'wildcard4', 6: 'wildcard6' },
  natChains: 'nat_chains',
  postChains: 'post_chains',
  countChains: 'count_chains',
  /** Proxy marks whose new flows are refused (bandwidth quota used up). */
  suspended: 'suspended',
  /** Banned single addresses (hash) and networks (intervals), per family. */
  bans: { 4: 'bans4', 6: 'bans6' },
  banNets: { 4: 'ban_nets4', 6: 'ban_nets6' },
} as const;

/** The objects one proxy owns, all named after its number: `p3_admit`, `p3_slots`, ... */
export class ProxyObjects {
  readonly admit: string;
  readonly nat: string;
  readonly post: string;
  readonly count: string;
  readonly slots: string;
  readonly aclGlobal: string;
  readonly aclProxy: string;
  readonly opened: string;
  readonly counters: Readonly<Record<ProxyCounterName, string>>;

  constructor(readonly id: number) {
    const p = `p${id}_`;
    this.admit = `${p}admit`;
    this.nat = `${p}nat`;
    this.post = `${p}post`;
    this.count = `${p}count`;
    this.slots = `${p}slots`;
    this.aclGlobal = `${p}acl_global`;
    this.aclProxy = `${p}acl_proxy`;
    this.opened = `${p}opened`;
    this.counters = Object.fromEntries(PROXY_COUNTERS.map((name) => [name, `${p}${name}`])) as Record<ProxyCounterName, string>;
  }

  get chains(): string[] {
    return [this.admit, this.nat, this.post, this.count];
  }

  get sets(): string[] {
    return [this.slots, this.aclGlobal, this.aclProxy, this.opened];
  }
}

/** Named counters of each proxy: what the kernel counts for the proxy's values. */
export const PROXY_COUNTERS = ['bytes_in', 'bytes_out', 'tcp_opened', 'udp_opened', 'no_upstream_tcp', 'no_upstream_udp', 'banned', 'suspended'] as const;
export type ProxyCounterName = (typeof PROXY_COUNTERS)[number];

/** The number in a per-proxy object name (`p12_admit` → 12), or null for a shared object. */
export function proxyIdOfObject(name: string): number | null {
  const match = /^p(\d+)_/.exec(name);
  return match === null ? null : Number(match[1]);
}

/** The comment on a proxy's admit chain: which proxy owns the objects, and the shape of its rules. */
export function ownerComment(proxy: string, layout: string): string {
  return `proxy=${proxy} layout=${layout}`;
}

export function parseOwnerComment(comment: string): { proxy: string; layout: string } | null {
  const match = /^proxy=(\S+) layout=(\S+)$/.exec(comment);
  return match === null ? null : { proxy: match[1]!, layout: match[2]! };
}
