import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';

const CORS_ALLOW_HEADERS = 'Content-Type, X-API-Key, Authorization';
const CORS_ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * CORS only for the origins listed in `api.cors_origins` (off when the list is empty): an
 * admin API must not be callable from any web page a logged-in operator happens to visit.
 */
export function cors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || !(allowed.has(origin) || allowed.has('*'))) return next();
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Vary', 'Origin');
    if (req.method !== 'OPTIONS') return next();
    res.set('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS);
    res.set('Access-Control-Allow-Methods', CORS_ALLOW_METHODS);
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/** One debug line per request: method, path without the query string (keys can be there), status. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!logger.enabled('debug')) return next();
    const startedAt = performance.now();
    res.on('finish', () => {
      logger.debug('api request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        key: res.locals.apiKeyLabel ?? null,
      });
    });
    next();
  };
}
