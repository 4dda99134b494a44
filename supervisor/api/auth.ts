import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { ApiKeyConfig } from '../../shared/config/resolved-types.js';
import { ApiError } from './api-error.js';
import type { API_PERMISSIONS } from '../../shared/config/schema-global.js';

/** A key's permission, as `api.api_keys[].permissions` lists them. */
export type Scope = (typeof API_PERMISSIONS)[number];
/** What a route asks of the caller: a scope, or just any valid key (`key`). */
export type Requirement = Scope | 'key';

export interface KeyEntry {
  digest: Buffer;
  label: string;
  permissions: ReadonlySet<string>;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The key from `X-API-Key`, `Authorization: Bearer <key>` or `?api_key=`, in that order. */
export function extractApiKey(req: Request): string | undefined {
  const header = req.get('x-api-key');
  if (header) return header;
  const authorization = req.get('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const query = req.query.api_key;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/**
 * Key lookup in constant time: every configured key is compared (as SHA-256 digests, so lengths
 * match) whether or not an earlier one matched.
 */
export class ApiKeyring {
  private entries: KeyEntry[] = [];

  constructor(keys: ApiKeyConfig[]) {
    this.replace(keys);
  }

  /** From now on only `keys` are accepted (a config reload). */
  replace(keys: ApiKeyConfig[]): void {
    this.entries = keys.map((k) => ({ digest: digest(k.key), label: k.label, permissions: new Set(k.permissions) }));
  }

  find(key: string): KeyEntry | undefined {
    const candidate = digest(key);
    let found: KeyEntry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate) && found === undefined) found = entry;
    }
    return found;
  }

  /** The entry of `key` if it is (still) valid and meets `requirement`, else the API error to answer. */
  check(key: string | undefined, requirement: Requirement): KeyEntry | ApiError {
    if (key === undefined) return new ApiError('ERR_AUTH_MISSING_KEY', 'an API key is required (X-API-Key header, Authorization: Bearer, or ?api_key=)');
    const entry = this.find(key);
    if (entry === undefined) return new ApiError('ERR_AUTH_INVALID_KEY', 'invalid API key');
    if (requirement !== 'key' && !entry.permissions.has('*') && !entry.permissions.has(requirement)) {
      return new ApiError('ERR_AUTH_FORBIDDEN', `this key lacks the "${requirement}" permission`);
    }
    return entry;
  }

  /** 401 without a known key, 403 when the key lacks the scope (`*` grants every scope). */
  require(requirement: Requirement): RequestHandler {
    return (req, res, next) => {
      const entry = this.check(extractApiKey(req), requirement);
      if (entry instanceof ApiError) return next(entry);
      res.locals.apiKeyLabel = entry.label;
      res.locals.apiKey = entry;
      next();
    };
  }
}
