// data_path: kernel. nftables forwards the packets (DNAT + masquerade) and RouteX never sees a
// connection's bytes, so every setting that needs the worker on the path is refused here, naming
// the field and why, instead of being silently ignored. Address families must match on both sides:
// nftables translates addresses, not families (no NAT46 / NAT64).
import type { CheckContext } from './check-context.js';
import { blockOf, type Filled } from './filled.js';
import { parseIpList } from './ip-list.js';
import type { ProxyFile } from './schema-proxy.js';

type Proxy = Filled<ProxyFile>;

interface Conflict {
  path: string;
  /** True when the setting asks for something the kernel path cannot do. */
  asks: (proxy: Proxy) => boolean;
  why: string;
}

const NO_WORKER = 'kernel-forwarded packets never pass through the worker';
const USE_USERSPACE = 'or use data_path: userspace';

const CONFLICTS: readonly Conflict[] = [
  {
    path: 'load_balancing.algorithm',
    asks: (p) => p.load_balancing.algorithm === 'least-conn',
    why: `least-conn counts each upstream's open connections, which nftables cannot read when it picks; use round-robin, weighted, random or ip-hash, ${USE_USERSPACE}`,
  },
  {
    path: 'load_balancing.sticky_sessions',
    asks: (p) => p.load_balancing.sticky_sessions,
    why: `sticky sessions remember each client for sticky_ttl, a table the kernel path does not keep; ip-hash keeps a client on one upstream while it is healthy, ${USE_USERSPACE}`,
  },
  { path: 'l7_protection.enabled', asks: (p) => p.l7_protection.enabled, why: `the L7 engine reads payloads in the worker, and ${NO_WORKER}` },
  { path: 'proxy_protocol.send.tcp', asks: (p) => p.proxy_protocol.send.tcp !== 'off', why: `the worker writes the PROXY header before the first byte, and ${NO_WORKER}` },
  { path: 'proxy_protocol.send.udp', asks: (p) => p.proxy_protocol.send.udp !== 'off', why: `the worker writes the PROXY header on UDP sessions, and ${NO_WORKER}` },
  {
    path: 'proxy_protocol.receive.enabled',
    asks: (p) => p.proxy_protocol.receive.enabled,
    why: `the worker reads the PROXY header of a trusted peer before the first byte, and ${NO_WORKER} (the kernel path sees a filter in front as the client)`,
  },
  { path: 'tls.sni_routing', asks: (p) => p.tls.sni_routing, why: `routing by host name reads the TLS ClientHello, and ${NO_WORKER}` },
  { path: 'routing.by', asks: (p) => p.routing.by !== 'none', why: `routing by host name reads the Minecraft handshake or the TLS ClientHello, and ${NO_WORKER}` },
  { path: 'status_cache.enabled', asks: (p) => p.status_cache.enabled, why: `status pings are answered by the worker, and ${NO_WORKER}` },
  { path: 'offline_status.enabled', asks: (p) => p.offline_status.enabled, why: `the offline answer is sent by the worker, and ${NO_WORKER}` },
  { path: 'a2s_cache.enabled', asks: (p) => p.a2s_cache.enabled, why: `A2S queries are answered by the worker, and ${NO_WORKER}` },
  {
    path: 'logging.log_connections',
    asks: (p) => p.logging.log_connections,
    why: 'RouteX does not see kernel-forwarded connections one by one (GET /api/proxies/{name}/connections lists them from conntrack)',
  },
  { path: 'logging.log_bytes', asks: (p) => p.logging.log_bytes, why: 'RouteX does not see kernel-forwarded connections one by one' },
];

const TIMEOUT_WHY =
  "this proxy's own timeouts are kept by the worker; kernel-forwarded flows follow the kernel's conntrack timeouts (sysctl net.netfilter.nf_conntrack_tcp_timeout_established, nf_conntrack_udp_timeout_stream, ...)";

export function checkKernelPath(proxy: Proxy, ctx: CheckContext): void {
  if (!ctx.clean('data_path') || proxy.data_path !== 'kernel') return;
  for (const { path, asks, why } of CONFLICTS) {
    if (ctx.clean(path) && asks(proxy)) ctx.error(path, `cannot be used with data_path: kernel: ${why}`);
  }
  for (const key of Object.keys(blockOf(proxy.timeouts))) {
    if (ctx.clean(`timeouts.${key}`)) ctx.error(`timeouts.${key}`, `cannot be set with data_path: kernel: ${TIMEOUT_WHY}`);
  }
  if ((proxy as Partial<Proxy>).udp_max_sessions !== undefined) {
    ctx.error('udp_max_sessions', 'cannot be set with data_path: kernel: the session cap is kept by the worker, and the kernel path tracks UDP flows in conntrack (sysctl net.netfilter.nf_conntrack_max)');
  }
  checkRateLimits(proxy, ctx);
  checkFamilies(proxy, ctx);
}

/** rate_limits are iptables rules on the INPUT chain, which forwarded (DNATed) packets never cross. */
function checkRateLimits(proxy: Proxy, ctx: CheckContext): void {
  for (const [key, value] of Object.entries(blockOf(proxy.rate_limits))) {
    const path = `rate_limits.${key}`;
    if (!ctx.clean(path) || value === 0 || value === false) continue;
    ctx.error(path, 'cannot be used with data_path: kernel yet: rate limits are iptables rules on the INPUT chain, and kernel-forwarded packets take the FORWARD path instead');
  }
}

function familyOf(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

function checkFamilies(proxy: Proxy, ctx: CheckContext): void {
  if (!ctx.clean('origin-ip', 'dest-ip')) return;
  const origins = parseIpList(proxy['origin-ip']);
  const dests = parseIpList(proxy['dest-ip']);
  if (!origins.ok || !dests.ok) return;
  const destFamilies = new Set(dests.value.map(familyOf));
  if (destFamilies.size > 1) {
    ctx.error('dest-ip', 'mixes IPv4 and IPv6 upstreams, which data_path: kernel cannot serve from one proxy: nftables translates addresses, not families (give each family its own proxy file)');
    return;
  }
  const destFamily = [...destFamilies][0]!;
  const other = origins.value.find((ip) => familyOf(ip) !== destFamily);
  if (other === undefined) return;
  const hint = other === '::' ? ' ("::" takes IPv6 clients too here; use "0.0.0.0" for every IPv4 address)' : '';
  ctx.error('origin-ip', `${other} is IPv${familyOf(other)} but the upstreams are IPv${destFamily}, which data_path: kernel cannot bridge: nftables translates addresses, not families${hint}`);
}
