// This supervisor as one node of a cluster: the Redis link, the shared ban store and the
// cluster-wide usage. The supervisor loads this module (and with it the Redis client) with a
// dynamic import, only when `cluster.enabled` is true.
import { randomBytes } from 'node:crypto';
import type { ClusterConfig } from '../../shared/config/resolved-types.js';
import { redactRedisUrl } from '../../shared/config/redis-url.js';
import type { BanStore } from '../bans/ban-store.js';
import type { SharedUsage } from '../bandwidth/shared-usage.js';
import { ClusterKeys } from './cluster-keys.js';
import { ClusterUsage } from './cluster-usage.js';
import { RedisBanStore, type ClusterIdentity } from './redis-ban-store.js';
import { RedisLink, type LinkLogger } from './redis-link.js';
import { redisOptions } from './redis-options.js';

/** How long start-up waits for Redis before starting the proxies on what this node knows. */
const CONNECT_AT_START_MS = 3000;

/** `/api/system`'s `cluster` object (snake_case on the wire). */
export interface ClusterStatus {
  enabled: true;
  node_id: string;
  redis: string;
  key_prefix: string;
  connected: boolean;
  /** When it last connected or lost the connection. */
  since: string;
  last_error: string | null;
  outages: number;
  pending: { unbans: number; usage_entries: number; usage_bytes: number };
}

export interface ClusterNode {
  readonly bans: BanStore;
  readonly usage: SharedUsage;
  readonly connected: boolean;
  status(): ClusterStatus;
  /** Sends what is unsent if Redis is there (bounded wait), then closes the connections. */
  close(proxies: string[], nowMs: number, zone: string): Promise<void>;
}

/** `connectWaitMs`: how long to wait for Redis before going on without it (it keeps trying). */
export async function startClusterNode(config: ClusterConfig, localBans: BanStore, logger: LinkLogger, connectWaitMs = CONNECT_AT_START_MS): Promise<ClusterNode> {
  const options = redisOptions(config);
  const redisName = redactRedisUrl(config.redis.url);
  const link = new RedisLink(options, redisName, logger);
  const identity: ClusterIdentity = { node: config.nodeId, instance: randomBytes(6).toString('hex') };
  const keys = new ClusterKeys(config.redis.keyPrefix);
  const bans = new RedisBanStore(localBans, link, keys, identity, logger);
  const usage = new ClusterUsage(link, keys, identity, logger);
  link.onUp(() => warnAboutEviction(link, logger));
  logger.info('cluster node starting', { node: config.nodeId, redis: redisName, keyPrefix: config.redis.keyPrefix, tls: config.redis.tls.enabled });
  await link.waitUntilUp(connectWaitMs);
  return {
    bans,
    usage,
    get connected() {
      return link.connected;
    },
    status: () => {
      const state = link.status();
      const unsent = usage.pending();
      return {
        enabled: true,
        node_id: config.nodeId,
        redis: redisName,
        key_prefix: config.redis.keyPrefix,
        connected: state.connected,
        since: new Date(state.sinceMs).toISOString(),
        last_error: state.lastError,
        outages: state.outages,
        pending: { unbans: bans.pendingUnbans, usage_entries: unsent.entries, usage_bytes: unsent.bytes },
      };
    },
    close: async (proxies, nowMs, zone) => {
      await Promise.race([usage.sync(proxies, nowMs, zone), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      bans.close();
      await link.close();
    },
  };
}

/** An evicting Redis may drop bans and usage silently: say so once per connection. */
async function warnAboutEviction(link: RedisLink, logger: LinkLogger): Promise<void> {
  try {
    const reply = (await link.commands.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== undefined && policy !== 'noeviction') {
      logger.warn('cluster redis may evict keys: set maxmemory-policy noeviction, or bans and usage can vanish when it is full', { policy });
    }
  } catch {
    // CONFIG is often disabled on managed Redis: nothing to check then.
  }
}
