// The hostile inputs of issue 12, as exact probes: deep nesting, many keys, YAML alias bombs.
import http from 'node:http';
import { ADMIN_KEY, type SupervisorProcess } from './supervisor-process.js';

/** 587 bytes, 101 aliases of one anchor: more than the YAML library's (and RouteX's) 100. */
export const ALIAS_BOMB = `x: &a [1, 1]\ny: [${Array.from({ length: 101 }, () => '*a').join(', ')}]\n`;

export function deepObjectJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export function deepArrayJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** `{"k0":0,…}`: 32,000 keys are the 0.5 MB probe. */
export function manyKeysJson(keys: number): string {
  let text = '{';
  for (let i = 0; i < keys; i++) text += `${i === 0 ? '' : ','}"k${i}":${i}`;
  return `${text}}`;
}

export interface BodyRoute {
  method: string;
  path: string;
  contentTypes: string[];
}

/** Every route that takes a body, from the supervisor's own OpenAPI document, for proxy `name`. */
export async function bodyRoutes(sup: SupervisorProcess, name: string): Promise<BodyRoute[]> {
  const document = (await sup.api('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
  const routes: BodyRoute[] = [];
  for (const [route, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation.requestBody === undefined) continue;
      routes.push({ method: method.toUpperCase(), path: route.replace('{name}', name), contentTypes: Object.keys(operation.requestBody.content) });
    }
  }
  return routes;
}

/** Every route with its method (bodies or not), for auth checks. */
export async function allRoutes(sup: SupervisorProcess, name: string): Promise<{ method: string; path: string; open: boolean }[]> {
  const document = (await sup.api('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  return Object.entries(document.paths).flatMap(([route, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: route.replace('{name}', name).replace('{upstream}', '127.0.0.1:1').replace('{id}', '1'),
      open: Array.isArray(operation.security) && operation.security.length === 0,
    })),
  );
}

export interface RawReply {
  status: number;
  text: string;
  ms: number;
}

/** Sends a prepared body with node:http (cheap for the test process, unlike fetch with a big string). */
/** `key`: the API key to send, null for none. */
export function sendRaw(port: number, method: string, path: string, body: Buffer, contentType: string, key: string | null = ADMIN_KEY): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const headers: Record<string, string | number> = { 'content-type': contentType, 'content-length': body.length };
    if (key !== null) headers['x-api-key'] = key;
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - startedAt }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} took more than 30 s`)));
    // The server may answer (401, 413) before reading the body and close: that is not a failure.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(body);
  });
}
