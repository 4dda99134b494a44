// Bans as they are written to Redis and sent on the ban channel, and the one rule every node
// applies when two versions of a ban meet: the newer one wins. What comes from Redis is checked
// field by field: a malformed entry is skipped, never enforced and never a crash.
import { canonicalCidr } from '../../shared/acl/acl-target.js';
import type { Ban } from '../../shared/bans/ban.js';

export type BanMessage =
  | { op: 'added'; from: string; ban: Ban }
  /** `atMs`: when it was lifted; bans made after that stay. */
  | { op: 'removed'; from: string; target: string; node: string; atMs: number };

/** Tombstone of an unban: when, and by which node. */
export interface Unban {
  atMs: number;
  node: string;
}

/** Positive when `a` is the newer version of a ban (created later; on a tie, the greater node name). */
export function compareBans(a: Ban, b: Ban): number {
  if (a.createdAtMs !== b.createdAtMs) return a.createdAtMs - b.createdAtMs;
  const [na, nb] = [a.node ?? '', b.node ?? ''];
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function banFromJson(value: unknown): Ban | undefined {
  if (!isRecord(value)) return undefined;
  const { target, reason, source, node, createdAtMs, expiresAtMs } = value;
  if (typeof target !== 'string' || canonicalCidr(target) !== target) return undefined;
  if (typeof reason !== 'string' || typeof source !== 'string' || !(node === null || typeof node === 'string')) return undefined;
  if (!isTime(createdAtMs) || !(expiresAtMs === null || isTime(expiresAtMs))) return undefined;
  return { target, reason, source, node, createdAtMs, expiresAtMs };
}

export function parseStoredBan(text: string | null): Ban | undefined {
  return text === null ? undefined : banFromJson(parseJson(text));
}

export function parseUnban(text: string | null): Unban | undefined {
  const value = text === null ? undefined : parseJson(text);
  if (!isRecord(value) || !isTime(value['atMs']) || typeof value['node'] !== 'string') return undefined;
  return { atMs: value['atMs'], node: value['node'] };
}

export function parseBanMessage(text: string): BanMessage | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || typeof value['from'] !== 'string') return undefined;
  const from = value['from'];
  if (value['op'] === 'added') {
    const ban = banFromJson(value['ban']);
    return ban === undefined ? undefined : { op: 'added', from, ban };
  }
  const { target, node, atMs } = value;
  if (value['op'] !== 'removed' || typeof target !== 'string' || canonicalCidr(target) !== target || typeof node !== 'string' || !isTime(atMs)) return undefined;
  return { op: 'removed', from, target, node, atMs };
}
