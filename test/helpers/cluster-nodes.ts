// Two real supervisors ("a" and "b") sharing one Redis as a cluster: each with its own config
// folder, SQLite file and API port, as two RouteX boxes would be.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY, SupervisorProcess } from './supervisor-process.js';
import type { RedisServer } from './redis-server.js';
import { waitFor } from './wait-for.js';

interface TestContext {
  after(fn: () => unknown): void;
}

export type NodeName = 'a' | 'b';

const MODULE_LOG_IMPORT = fileURLToPath(new URL('../fixtures/module-log.js', import.meta.url));

/** The `cluster:` block of node `node` (node ids `node-a`, `node-b`). */
export function clusterBlock(node: NodeName | string, redisUrl: string): string {
  return `cluster:
  enabled: true
  node_id: "node-${node}"
  redis:
    url: "${redisUrl}"
    key_prefix: "rxtest:"
`;
}

/** Runs the supervisor with a hook that lists every module it and its workers resolve; see `modulesLoaded`. */
export function moduleLogEnv(t: TestContext): { env: Record<string, string>; modules: () => string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-modules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'modules.log');
  const inherited = process.env['NODE_OPTIONS'] ?? '';
  return {
    env: { NODE_OPTIONS: `${inherited} --import=${MODULE_LOG_IMPORT}`.trim(), ROUTEX_MODULE_LOG: file },
    modules: () => {
      try {
        return readFileSync(file, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

/** True when a resolved module URL belongs to a Redis client package. */
export function isRedisModule(url: string): boolean {
  return /\/node_modules\/(ioredis|@ioredis|redis|@redis)\//.test(url);
}

export async function startTwoNodes(
  t: TestContext,
  redis: RedisServer,
  proxies: (node: NodeName) => Record<string, string>,
  options: { waitForRunning?: string[]; env?: Record<string, string> } = {},
): Promise<Record<NodeName, SupervisorProcess>> {
  const start = (node: NodeName) =>
    SupervisorProcess.start({ globalExtra: clusterBlock(node, redis.url), proxies: proxies(node), waitForRunning: options.waitForRunning, env: options.env });
  const [a, b] = await Promise.all([start('a'), start('b')]);
  t.after(() => Promise.all([a.stop(), b.stop()]));
  await Promise.all([a, b].map((sup) => waitForCluster(sup, true)));
  return { a, b };
}

/** Waits until the node reports itself connected (or disconnected) in /api/system. */
export function waitForCluster(sup: SupervisorProcess, connected: boolean, timeoutMs = 5000): Promise<unknown> {
  return waitFor(`the node to be ${connected ? 'connected' : 'disconnected'}`, async () => {
    const system = (await sup.api('GET', '/api/system', { key: ADMIN_KEY })).body;
    return system.cluster?.connected === connected ? system.cluster : undefined;
  }, { timeoutMs });
}
