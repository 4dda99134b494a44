import { Type } from '@sinclair/typebox';
import type { RouteRegistry } from '../route-registry.js';
import { PROJECT, VERSION } from '../../version.js';

/** Unauthenticated liveness and version: what a load balancer or an installer checks. */
export function healthRoutes(routes: RouteRegistry): void {
  routes.add({
    method: 'get',
    path: '/api/health',
    scope: null,
    tag: 'system',
    summary: 'Liveness: answers while the supervisor runs',
    responses: { 200: { description: 'Up.', schema: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) } },
    handler: (_req, res) => {
      res.json({ status: 'ok' });
    },
  });
  routes.add({
    method: 'get',
    path: '/api/version',
    scope: null,
    tag: 'system',
    summary: 'The RouteX version',
    responses: {
      200: { description: 'Version.', schema: Type.Object({ project: Type.Literal(PROJECT), version: Type.String() }, { additionalProperties: false }) },
    },
    handler: (_req, res) => {
      res.json({ project: PROJECT, version: VERSION });
    },
  });
}
