import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ProxyCounters } from '../runtime/proxy-counters.js';
import type { TcpRelay } from './tcp-relay.js';

/** What a relay needs from the proxy that owns it. */
export interface RelayHost {
  readonly config: ProxyConfig;
  readonly counters: ProxyCounters;
  /** Told of socket errors: running out of file descriptors is counted and logged there. */
  readonly descriptors: { socketFailed(error: unknown): void };
  relayFinished(relay: TcpRelay, reason: string): void;
}
