// proxy_protocol checks the schema cannot express: a receiver needs trusted senders, the header
// wait respects the spec's floor, and settings that cannot act on this proxy's listeners warn.
import type { CheckContext } from './check-context.js';
import { parseCidr } from './cidr.js';
import { formatDuration, parseDuration } from './duration.js';
import type { Filled } from './filled.js';
import { must } from './parsed.js';
import { MIN_HEADER_TIMEOUT_MS } from './schema-proxy-protocol.js';
import type { ProxyFile } from './schema-proxy.js';

type Proxy = Filled<ProxyFile>;
const SEND = 'proxy_protocol.send';
const RECEIVE = 'proxy_protocol.receive';

export function checkProxyProtocol(proxy: Proxy, ctx: CheckContext): void {
  if (!ctx.clean('proxy_protocol', 'protocol')) return;
  const { send, receive } = proxy.proxy_protocol;
  const hasTcp = proxy.protocol !== 'udp';
  const hasUdp = proxy.protocol !== 'tcp';
  if (send.tcp !== 'off' && !hasTcp) ctx.warn(`${SEND}.tcp`, `has no effect: this proxy has no TCP listener (protocol: ${proxy.protocol})`);
  if (send.udp !== 'off' && !hasUdp) ctx.warn(`${SEND}.udp`, `has no effect: this proxy has no UDP listener (protocol: ${proxy.protocol})`);
  if (receive.enabled) checkReceive(receive, hasTcp, hasUdp, ctx);
}

function checkReceive(receive: Proxy['proxy_protocol']['receive'], hasTcp: boolean, hasUdp: boolean, ctx: CheckContext): void {
  if (receive.trusted_cidrs.length === 0) {
    ctx.error(`${RECEIVE}.trusted_cidrs`, 'needs at least one CIDR when receive is enabled: the addresses of the filters or load balancers in front (anyone else could claim any address)');
  }
  receive.trusted_cidrs.forEach((text, i) => {
    const cidr = must(parseCidr(text));
    if (cidr.prefix === 0) ctx.warn(`${RECEIVE}.trusted_cidrs[${i}]`, `"${text}" trusts every IPv${cidr.family} address: any client can claim to be anyone (list only your filters' addresses)`);
  });
  const timeoutMs = must(parseDuration(receive.header_timeout));
  if (timeoutMs < MIN_HEADER_TIMEOUT_MS) {
    ctx.error(`${RECEIVE}.header_timeout`, `must be at least ${formatDuration(MIN_HEADER_TIMEOUT_MS)} (the PROXY protocol spec: one TCP retransmit must fit), not ${formatDuration(timeoutMs)}`);
  }
  if (receive.transports.includes('udp') && !receive.versions.includes('v2')) {
    ctx.error(`${RECEIVE}.versions`, 'must include v2 when transports has udp: v1 cannot describe UDP');
  }
  const unused = receive.transports.filter((t) => (t === 'tcp' ? !hasTcp : !hasUdp));
  for (const transport of unused) ctx.warn(`${RECEIVE}.transports`, `lists ${transport}, but this proxy has no ${transport.toUpperCase()} listener`);
  if (unused.length === receive.transports.length) ctx.warn(`${RECEIVE}.enabled`, 'is true, but no listener of this proxy reads headers (see transports)');
}
