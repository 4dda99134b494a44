// Bandwidth usage counted over several nodes: what the manager needs from a cluster for a proxy
// with `bandwidth.scope: cluster`. The cluster's implementation (cluster/cluster-usage.ts) keeps
// it in Redis; without a cluster there is none and every proxy counts its own node's bytes.
import { RoutexError } from '../../shared/errors/routex-error.js';
import type { UsageByPeriod } from './quota-check.js';
import type { Period } from './quota-periods.js';

export interface SharedUsageView {
  /** Every node's bytes in the periods containing now, as far as this node knows. */
  usage: UsageByPeriod;
  /** Bytes (in + out) per node and period. */
  nodes: Record<string, Record<Period, number>>;
}

export interface SharedUsage {
  /** Bytes this node moved for `proxy`, in the usage bucket starting at `bucketMs`. Kept until sent. */
  add(proxy: string, bucketMs: number, bytesIn: number, bytesOut: number): void;
  /** The last reading of every node's usage, plus what this node has not sent yet. */
  usage(proxy: string, nowMs: number, zone: string): SharedUsageView;
  /** Sends what this node counted and reads every node's usage of `proxies` (nothing while the cluster is unreachable). */
  sync(proxies: string[], nowMs: number, zone: string): Promise<void>;
  /** Zeroes the proxy's current periods for every node; rejects with `ClusterUnavailableError` while the cluster is unreachable. */
  reset(proxy: string, nowMs: number, zone: string): Promise<void>;
}

export class ClusterUnavailableError extends RoutexError {
  constructor(message?: string) {
    super('ERR_CLUSTER_UNAVAILABLE', message);
  }
}
