import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
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
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Whether the browser sees the page on a potentially trustworthy origin (HTTPS, or a loopback
 * host): only there does it apply Cross-Origin-Opener-Policy. Anywhere else (plain HTTP to the
 * box's address, the common case behind a firewall) it ignores the header and logs a console
 * error on every load, so the header is not sent there.
 */
function trustworthyOrigin(req: Request): boolean {
  if (req.secure) return true;
  const host = req.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

function securityHeaders(req: Request, res: Response): void {
  res.set(SECURITY_HEADERS);
  if (trustworthyOrigin(req)) res.set('Cross-Origin-Opener-Policy', 'same-origin');
}

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
  router.get('/', (req, res) => {
    securityHeaders(req, res);
    res.redirect(302, '/dashboard/');
  });
  router.use('/dashboard', (req, res, next) => {
    securityHeaders(req, res);
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
