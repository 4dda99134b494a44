// Reads every ban the cluster's Redis holds: SCAN over the ban keys, then MGET in batches.
import type { Redis } from 'ioredis';
import type { Ban } from '../../shared/bans/ban.js';
import { parseStoredBan } from './ban-wire.js';
import type { ClusterKeys } from './cluster-keys.js';

const MGET_BATCH = 500;

/** Malformed entries, and entries whose key does not name their target, are skipped. */
export async function scanBans(client: Redis, keys: ClusterKeys): Promise<Ban[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', keys.banPattern, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  const bans: Ban[] = [];
  for (let i = 0; i < found.length; i += MGET_BATCH) {
    const chunk = found.slice(i, i + MGET_BATCH);
    const values = await client.mget(...chunk);
    values.forEach((value, j) => {
      const ban = parseStoredBan(value);
      if (ban !== undefined && keys.ban(ban.target) === chunk[j]) bans.push(ban);
    });
  }
  return bans;
}
