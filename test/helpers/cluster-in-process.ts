// Cluster nodes inside the test process, on a real Redis: a node's ban list on its shared store
// and its cluster-wide usage, without the rest of a supervisor. Closed when the test ends.
import { BanList } from '../../supervisor/bans/ban-list.js';
import { MemoryBanStore } from '../../supervisor/bans/ban-store.js';
import { startClusterNode, type ClusterNode } from '../../supervisor/cluster/cluster-node.js';
import type { ClusterConfig } from '../../shared/config/resolved-types.js';
import { waitFor } from './wait-for.js';

interface TestContext {
  after(fn: () => unknown): void;
}

export class MemoryLogger {
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  info = (message: string, fields: Record<string, unknown> = {}): void => void this.lines.push({ level: 'info', message, fields });
  warn = (message: string, fields: Record<string, unknown> = {}): void => void this.lines.push({ level: 'warn', message, fields });
  error = (message: string, fields: Record<string, unknown> = {}): void => void this.lines.push({ level: 'error', message, fields });
  count(prefix: string): number {
    return this.lines.filter((l) => l.message.startsWith(prefix)).length;
  }
}

export function clusterConfig(url: string, nodeId: string, redis: Partial<ClusterConfig['redis']> = {}): ClusterConfig {
  return {
    enabled: true,
    nodeId,
    redis: { url, passwordFile: '', tls: { enabled: false, caFile: '', certFile: '', keyFile: '' }, keyPrefix: 'rxit:', ...redis },
  };
}

export interface TestNode {
  node: ClusterNode;
  bans: BanList;
  /** The node's own copy (what SQLite is on a real node): survives `restart`. */
  local: MemoryBanStore;
  logs: MemoryLogger;
  close(): Promise<void>;
}

/** A node with its ban list loaded through the shared store; `local` lets a test restart it with the same copy. */
export async function startTestNode(t: TestContext, config: ClusterConfig, local = new MemoryBanStore(), connectWaitMs?: number): Promise<TestNode> {
  const logs = new MemoryLogger();
  const node = await startClusterNode(config, local, logs, connectWaitMs);
  const bans = new BanList(local, logs, Date.now, config.nodeId);
  await bans.load(node.bans);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    bans.close();
    await node.close([], Date.now(), 'UTC');
  };
  t.after(close);
  return { node, bans, local, logs, close };
}

/** Waits until the node is connected and its ban list has caught up with Redis. */
export async function waitConnected(node: TestNode, timeoutMs = 5000): Promise<void> {
  await waitFor('the node to reconnect', () => node.node.connected, { timeoutMs });
}
