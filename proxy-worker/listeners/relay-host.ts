import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ProxyCounters } from '../runtime/proxy-counters.js';
import type { TcpRelay } from './tcp-relay.js';

/** What a relay needs from the proxy that owns it. */
export interface RelayHost {
  readonly config: ProxyConfig;
  readonly counters: ProxyCounters;
  relayFinished(relay: TcpRelay, reason: string): void;
}
