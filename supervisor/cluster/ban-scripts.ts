// The two writes of the shared ban list, each one Lua script so Redis applies it atomically and
// the newest version of a ban wins on every node, whatever order writes arrive in (two nodes
// banning the same address, a node pushing what it kept during an outage).
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Saves a ban unless Redis holds a newer one (or, with ARGV[7] = 1, an unban made after it);
 * publishes it when saved. KEYS: ban, unban. ARGV: ban JSON, createdAtMs, node ('' for none),
 * TTL ms (0 = none), channel, message, respect unbans (0/1). Returns saved | newer | same | lifted.
 */
const SAVE_BAN = `
local unban = ARGV[7] == '1' and redis.call('GET', KEYS[2])
if unban then
  local ok, u = pcall(cjson.decode, unban)
  if ok and type(u) == 'table' and tonumber(u.atMs) and tonumber(u.atMs) >= tonumber(ARGV[2]) then return 'lifted' end
end
local current = redis.call('GET', KEYS[1])
if current then
  local ok, c = pcall(cjson.decode, current)
  if ok and type(c) == 'table' and tonumber(c.createdAtMs) then
    local created = tonumber(c.createdAtMs)
    local node = type(c.node) == 'string' and c.node or ''
    if created > tonumber(ARGV[2]) then return 'newer' end
    if created == tonumber(ARGV[2]) then
      if node > ARGV[3] then return 'newer' end
      if node == ARGV[3] then return 'same' end
    end
  end
end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 'saved'
`;

/**
 * Lifts a ban made at or before atMs (a newer one stays), leaves the unban tombstone, publishes.
 * KEYS: ban, unban. ARGV: atMs, unban JSON, unban TTL ms, channel, message. Returns removed | absent | newer.
 */
const REMOVE_BAN = `
local current = redis.call('GET', KEYS[1])
local result = 'absent'
if current then
  local ok, c = pcall(cjson.decode, current)
  if ok and type(c) == 'table' and tonumber(c.createdAtMs) and tonumber(c.createdAtMs) > tonumber(ARGV[1]) then return 'newer' end
  redis.call('DEL', KEYS[1])
  result = 'removed'
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return result
`;

export type SaveBanResult = 'saved' | 'newer' | 'same' | 'lifted';
export type RemoveBanResult = 'removed' | 'absent' | 'newer';

type ScriptArgs = (string | number)[];
type Scripted = Record<string, (...args: ScriptArgs) => Promise<unknown>>;

/** Registers the scripts on `client` (ioredis sends EVALSHA, and the script itself the first time). */
export function defineBanScripts(client: Redis): void {
  client.defineCommand('routexSaveBan', { numberOfKeys: 2, lua: SAVE_BAN });
  client.defineCommand('routexRemoveBan', { numberOfKeys: 2, lua: REMOVE_BAN });
}

export function saveBan(client: Redis | ChainableCommander, ...args: ScriptArgs): Promise<SaveBanResult> {
  return (client as unknown as Scripted)['routexSaveBan']!(...args) as Promise<SaveBanResult>;
}

export function removeBan(client: Redis, ...args: ScriptArgs): Promise<RemoveBanResult> {
  return (client as unknown as Scripted)['routexRemoveBan']!(...args) as Promise<RemoveBanResult>;
}
