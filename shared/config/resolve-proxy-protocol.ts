import { parseDuration } from './duration.js';
import type { Filled } from './filled.js';
import { must } from './parsed.js';
import type { ProxyProtocolConfig } from './resolved-types.js';
import type { ProxyFile } from './schema-proxy.js';

export function resolveProxyProtocol(block: Filled<ProxyFile>['proxy_protocol']): ProxyProtocolConfig {
  const { send, receive } = block;
  return {
    send: { tcp: send.tcp, udp: send.udp, udpHeader: send.udp_header, uniqueId: send.unique_id, healthCheck: send.health_check },
    receive: {
      enabled: receive.enabled,
      acceptV1: receive.versions.includes('v1'),
      acceptV2: receive.versions.includes('v2'),
      onTcp: receive.transports.includes('tcp'),
      onUdp: receive.transports.includes('udp'),
      trustedCidrs: [...receive.trusted_cidrs],
      fromUntrusted: receive.from_untrusted,
      requireFromTrusted: receive.require_from_trusted,
      headerTimeoutMs: must(parseDuration(receive.header_timeout)),
      maxHeaderBytes: receive.max_header_bytes,
    },
  };
}
