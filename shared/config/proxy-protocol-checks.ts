// proxy_protocol checks the schema cannot express: settings that cannot act on this proxy's
// listeners warn.
import type { CheckContext } from './check-context.js';
import type { Filled } from './filled.js';
import type { ProxyFile } from './schema-proxy.js';

type Proxy = Filled<ProxyFile>;
const SEND = 'proxy_protocol.send';

export function checkProxyProtocol(proxy: Proxy, ctx: CheckContext): void {
  if (!ctx.clean('proxy_protocol', 'protocol')) return;
  const { send } = proxy.proxy_protocol;
  const hasTcp = proxy.protocol !== 'udp';
  const hasUdp = proxy.protocol !== 'tcp';
  if (send.tcp !== 'off' && !hasTcp) ctx.warn(`${SEND}.tcp`, `has no effect: this proxy has no TCP listener (protocol: ${proxy.protocol})`);
  if (send.udp !== 'off' && !hasUdp) ctx.warn(`${SEND}.udp`, `has no effect: this proxy has no UDP listener (protocol: ${proxy.protocol})`);
}
