import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';
import { ApiError } from '../api/api-error.js';

/** Where `npm run build` puts the dashboard: dist/dashboard/, beside dist/supervisor/. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

/**
 * Nothing but this origin: no inline script or style, no other host to load from or talk to,
 * no framing. The page's own code talks to the API over fetch (`connect-src 'self'`).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Asset file names carry a content hash (see web/build.mjs): they can be cached for good; the page itself is revalidated each time. */
function cacheControl(res: Response, file: string): void {
  const hashed = /-[A-Z0-9]{8,}\.(js|css)$/i.test(path.basename(file));
  res.set('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * The web dashboard: `/` redirects to `/dashboard/`, which serves the built files with a strict
 * Content-Security-Policy. Without a build, `/dashboard/` says so instead of a bare 404.
 */
export function dashboardRouter(dir = DASHBOARD_DIR): Router {
  const router = Router();
  const built = existsSync(path.join(dir, 'index.html'));
  router.get('/', (_req, res) => res.set(SECURITY_HEADERS).redirect(302, '/dashboard/'));
  router.use('/dashboard', (_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  if (!built) {
    router.use('/dashboard', () => {
      throw new ApiError('ERR_DASHBOARD_NOT_BUILT', `the dashboard is not built (no ${path.join(dir, 'index.html')}): run "npm run build"`);
    });
    return router;
  }
  router.use('/dashboard', express.static(dir, { index: 'index.html', redirect: true, fallthrough: true, setHeaders: cacheControl }));
  return router;
}
