// One proxy's flush of usage into Redis: a single Lua script adds this node's bytes to every
// quota-period counter they fall in, atomically. Each flush carries a sequence number that the
// script records per process in each counter it touches; a flush sent again (its reply was lost
// when the connection dropped) finds its number already there and adds nothing. So what a node
// counted is added once, however often it has to send it.
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * KEYS: the period counters (hashes). ARGV: in-field, out-field, seq-field, seq, then per key
 * bytes in, bytes out, expiry (Unix ms). Returns how many counters it added to.
 */
const ADD_USAGE = `
local seq = tonumber(ARGV[4])
local added = 0
for i = 1, #KEYS do
  local last = tonumber(redis.call('HGET', KEYS[i], ARGV[3]) or '0')
  if last < seq then
    local base = 4 + (i - 1) * 3
    redis.call('HINCRBY', KEYS[i], ARGV[1], ARGV[base + 1])
    redis.call('HINCRBY', KEYS[i], ARGV[2], ARGV[base + 2])
    redis.call('HSET', KEYS[i], ARGV[3], ARGV[4])
    redis.call('PEXPIREAT', KEYS[i], ARGV[base + 3])
    added = added + 1
  end
end
return added
`;

/** Hash fields of a period counter: bytes per node and direction, and each process's last flush. */
export const usageFields = {
  bytesIn: (node: string) => `in:${node}`,
  bytesOut: (node: string) => `out:${node}`,
  seq: (instance: string) => `seq:${instance}`,
};

export interface CounterIncrement {
  key: string;
  bytesIn: number;
  bytesOut: number;
  expireAtMs: number;
}

export function defineUsageScript(client: Redis): void {
  client.defineCommand('routexAddUsage', { lua: ADD_USAGE });
}

/** Queues the script on `pipeline`: `increments` of node `node`, flush `seq` of process `instance`. */
export function addUsage(pipeline: ChainableCommander, node: string, instance: string, seq: number, increments: CounterIncrement[]): void {
  const args: (string | number)[] = [increments.length, ...increments.map((i) => i.key), usageFields.bytesIn(node), usageFields.bytesOut(node), usageFields.seq(instance), seq];
  for (const i of increments) args.push(i.bytesIn, i.bytesOut, i.expireAtMs);
  (pipeline as unknown as Record<string, (...a: (string | number)[]) => unknown>)['routexAddUsage']!(...args);
}

export interface NodeBytes {
  bytesIn: number;
  bytesOut: number;
}

/** A counter's hash as HGETALL returns it → bytes per node. */
export function nodesOf(hash: Record<string, string>): Map<string, NodeBytes> {
  const nodes = new Map<string, NodeBytes>();
  for (const [field, value] of Object.entries(hash)) {
    const direction = field.startsWith('in:') ? 'bytesIn' : field.startsWith('out:') ? 'bytesOut' : undefined;
    const bytes = Number(value);
    if (direction === undefined || !Number.isSafeInteger(bytes)) continue;
    const node = field.slice(field.indexOf(':') + 1);
    const entry = nodes.get(node) ?? { bytesIn: 0, bytesOut: 0 };
    entry[direction] += bytes;
    nodes.set(node, entry);
  }
  return nodes;
}
