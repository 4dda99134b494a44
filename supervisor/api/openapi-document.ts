import { proxyJsonSchema } from '../../shared/config/json-schema.js';
import { PROJECT, VERSION } from '../version.js';
import type { ResponseSpec, RouteSpec } from './route-registry.js';
import { ErrorBody } from './schemas/common-schemas.js';

const SECURITY = [{ ApiKeyHeader: [] }, { BearerAuth: [] }, { ApiKeyQuery: [] }];

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operationId(spec: RouteSpec): string {
  const words = openApiPath(spec.path)
    .replace(/^\/api\/?/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [spec.method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function contentOf(response: ResponseSpec): Record<string, { schema: unknown }> {
  const primary = { schema: response.schema, ...(response.events === undefined ? {} : { 'x-events': response.events }) };
  const content: Record<string, { schema: unknown }> = { [response.contentType ?? 'application/json']: primary };
  for (const [type, schema] of Object.entries(response.alternatives ?? {})) content[type] = { schema };
  return content;
}

function responses(spec: RouteSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all = { ...spec.responses };
  if (spec.scope !== null) {
    all[401] ??= { description: 'No API key, or an unknown one.', schema: ErrorBody };
    if (spec.scope !== 'key') all[403] ??= { description: `The key lacks the "${spec.scope}" permission.`, schema: ErrorBody };
  }
  for (const [status, response] of Object.entries(all)) {
    out[status] = {
      description: response.description,
      ...(response.schema === undefined ? {} : { content: contentOf(response) }),
    };
  }
  return out;
}

function scopeNoteOf(scope: RouteSpec['scope']): string {
  if (scope === null) return 'No authentication.';
  if (scope === 'key') return 'Requires any valid API key.';
  return `Requires the \`${scope}\` permission (a \`*\` key has every permission).`;
}

function operation(spec: RouteSpec): Record<string, unknown> {
  const parameters = [
    ...Object.entries(spec.params ?? {}).map(([name, p]) => ({ name, in: 'path', required: true, description: p.description, schema: p.schema })),
    ...Object.entries(spec.query ?? {}).map(([name, p]) => ({ name, in: 'query', required: p.required ?? false, description: p.description, schema: p.schema })),
  ];
  const scopeNote = scopeNoteOf(spec.scope);
  return {
    operationId: operationId(spec),
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, scopeNote].filter(Boolean).join('\n\n'),
    security: spec.scope === null ? [] : SECURITY,
    'x-required-scope': spec.scope,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            description: spec.body.description,
            content: Object.fromEntries(spec.body.contentTypes.map((type) => [type, { schema: spec.body!.schema }])),
          },
        }),
    responses: responses(spec),
  };
}

/** The OpenAPI 3.1 document of every registered route, built from the same specs that serve them. */
export function buildOpenApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    paths[path][spec.method] = operation(spec);
  }
  const { $schema: _dialect, ...proxyFile } = proxyJsonSchema();
  return JSON.parse(
    JSON.stringify({
      openapi: '3.1.0',
      info: {
        title: `${PROJECT} REST API`,
        version: VERSION,
        description: 'Manage proxies, upstreams, ACLs and metrics of a RouteX supervisor. Every change writes the YAML files, which stay the source of truth.',
      },
      servers: [{ url: '/' }],
      security: SECURITY,
      paths,
      components: {
        securitySchemes: {
          ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          BearerAuth: { type: 'http', scheme: 'bearer', description: 'The API key as a bearer token (what Prometheus scrapes send).' },
          ApiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
        },
        schemas: { ProxyFile: proxyFile, ErrorBody },
      },
    }),
  );
}
