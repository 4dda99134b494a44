import { Type } from '@sinclair/typebox';
import { buildOpenApiDocument } from '../openapi-document.js';
import type { RouteRegistry } from '../route-registry.js';

/** Serves the OpenAPI document of every route of this server (this one included). */
export function openApiRoutes(routes: RouteRegistry): void {
  let document: Record<string, unknown> | null = null;
  routes.add({
    method: 'get',
    path: '/api/openapi.json',
    scope: null,
    tag: 'system',
    summary: 'This API as an OpenAPI 3.1 document',
    responses: { 200: { description: 'The document.', schema: Type.Object({ openapi: Type.Literal('3.1.0') }) } },
    handler: (_req, res) => {
      document ??= buildOpenApiDocument(routes.routes);
      res.json(document);
    },
  });
}
