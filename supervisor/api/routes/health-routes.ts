import { Router } from 'express';
import { PROJECT, VERSION } from '../../version.js';

/** Unauthenticated liveness and version: what a load balancer or an installer checks. */
export function healthRoutes(): Router {
  const router = Router();
  router.get('/api/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/api/version', (_req, res) => {
    res.json({ project: PROJECT, version: VERSION });
  });
  return router;
}
