import { Router } from 'express';
import type { ApiContext } from '../api-context.js';
import { proxyView } from '../views/proxy-view.js';

export function proxyRoutes(ctx: ApiContext): Router {
  const router = Router();
  const read = ctx.keyring.require('proxies:read');

  router.get('/api/proxies', read, (_req, res) => {
    const proxies = ctx.fleet.list().map(proxyView);
    proxies.sort((a, b) => a.name.localeCompare(b.name));
    res.json(proxies);
  });

  return router;
}
