import type { Filled } from './filled.js';
import type { ProxyProtocolConfig } from './resolved-types.js';
import type { ProxyFile } from './schema-proxy.js';

export function resolveProxyProtocol(block: Filled<ProxyFile>['proxy_protocol']): ProxyProtocolConfig {
  const { send } = block;
  return {
    send: { tcp: send.tcp, udp: send.udp, udpHeader: send.udp_header, uniqueId: send.unique_id, healthCheck: send.health_check },
  };
}
