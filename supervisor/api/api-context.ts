import type { GlobalConfig } from '../../shared/config/resolved-types.js';
import type { Logger } from '../logging/logger.js';
import type { ProxyFleet, ReconcileReport } from '../workers/proxy-fleet.js';
import type { ApiKeyring } from './auth.js';
import type { BandwidthManager } from '../bandwidth/bandwidth-manager.js';
import type { MetricsService } from '../metrics/metrics-service.js';
import type { SupervisorEvents } from '../events/supervisor-events.js';
import type { L7Service } from '../bans/l7-service.js';
import type { FirewallManager } from '../firewall/firewall-manager.js';
import type { ProxyRuleInput } from '../firewall/rule-builder.js';
import type { ClusterStatus } from '../cluster/cluster-node.js';
import type { ConfigChecker } from '../config/config-checker.js';
import type { ConnectionInfo } from '../../shared/ipc/protocol.js';

/** What route modules may use. Each concern's routes live in their own file under routes/. */
export interface ApiContext {
  readonly fleet: ProxyFleet;
  readonly keyring: ApiKeyring;
  readonly logger: Logger;
  /** State changes as they happen (worker start/crash, health, config errors, suspensions). */
  readonly events: SupervisorEvents;
  readonly startedAt: Date;
  global(): GlobalConfig;
  /** Absolute path of the proxies folder. */
  proxiesDir(): string;
  /** Re-reads the proxies folder and applies what changed. */
  reload(): Promise<ReconcileReport>;
  /** Per-proxy bandwidth usage, quotas and suspensions. */
  readonly bandwidth: BandwidthManager;
  /** Live metrics in four formats, and the history in SQLite. */
  readonly metrics: MetricsService;
  /** The ban list and the L7 event log. */
  readonly l7: L7Service;
  /** Absolute path of global.yaml. */
  globalFile(): string;
  /** Re-reads global.yaml, then the proxies folder, and applies what changed (as SIGHUP does). */
  reloadGlobal(): Promise<ReconcileReport>;
  /** Kernel rules: rate limits, bans, fragments. */
  readonly firewall: FirewallManager;
  /** The proxies whose kernel rules should be in place now. */
  firewallProxies(): ProxyRuleInput[];
  /** Every proxy name that has a file: rules of any other name are orphans. */
  knownProxyNames(): string[];
  /** This node's cluster link, or `{enabled: false}`. */
  cluster(): ClusterStatus | { enabled: false };
  /** Checks request bodies that hold a config off the event loop. */
  readonly configChecker: ConfigChecker;
  /** data_path: kernel proxies' flows, from conntrack. */
  readonly kernel: KernelConnections;
}

export interface KernelConnections {
  connections(name: string): Promise<ConnectionInfo[]>;
  /** Deletes one flow by its id; false when there is none. */
  kill(name: string, id: number): Promise<boolean>;
}
