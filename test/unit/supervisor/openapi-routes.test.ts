import { test } from 'node:test';
import assert from 'node:assert/strict';
import type express from 'express';
import { buildApp, registerRoutes } from '../../../supervisor/api/api-server.js';
import { buildOpenApiDocument } from '../../../supervisor/api/openapi-document.js';
import { ApiKeyring } from '../../../supervisor/api/auth.js';
import type { ApiContext } from '../../../supervisor/api/api-context.js';
import type { ApiConfig } from '../../../shared/config/resolved-types.js';

const ctx = { keyring: new ApiKeyring([]), logger: { enabled: () => false } } as unknown as ApiContext;
const apiConfig = { corsOrigins: [], maxBodyBytes: 1024, dashboard: true } as unknown as ApiConfig;
/** The dashboard's pages are not API routes: `/` only redirects to them. */
const NOT_API = ['GET /'];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the Express app would answer, found by walking its router stack. */
function servedRoutes(app: express.Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

test('every route the server answers is in the OpenAPI document, and nothing else is', () => {
  const document = buildOpenApiDocument(registerRoutes(ctx).routes) as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  assert.deepEqual(servedRoutes(buildApp(ctx, apiConfig)).filter((r) => !NOT_API.includes(r)), documented);
  assert.ok(servedRoutes(buildApp(ctx, apiConfig)).includes('GET /'), 'the dashboard redirect is served');
  assert.ok(documented.length >= 22);
});

test('every operation has an id, a summary, responses, and a scope note', () => {
  const document = buildOpenApiDocument(registerRoutes(ctx).routes) as { paths: Record<string, Record<string, any>> };
  const ids = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      assert.ok(op.operationId && !ids.has(op.operationId), `${method} ${path}: operationId`);
      ids.add(op.operationId);
      assert.ok(op.summary, `${method} ${path}: summary`);
      assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${method} ${path}: a success response`);
      const scope = op['x-required-scope'];
      if (scope !== null) assert.ok(op.responses['401'], `${method} ${path}: 401 documented`);
      if (scope !== null && scope !== 'key') assert.ok(op.responses['403'], `${method} ${path}: 403 documented`);
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        assert.ok(op.parameters.some((p: any) => `{${p.name}}` === name && p.in === 'path'), `${method} ${path}: ${name} documented`);
      }
    }
  }
});
