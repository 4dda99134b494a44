import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { TSchema } from '@sinclair/typebox';
import type { ApiKeyring, Requirement } from './auth.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ParameterSpec {
  description: string;
  schema: TSchema;
  required?: boolean;
}

export interface BodySpec {
  description: string;
  /** Content types accepted; the first is documented as the primary one. */
  contentTypes: string[];
  schema: TSchema;
}

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  /** Defaults to application/json. */
  contentType?: string;
  /** Other media types the same status can carry (content type → schema), e.g. `text/csv`. */
  alternatives?: Record<string, TSchema>;
  /** For `text/event-stream`: the `data:` schema of each event name (documented as `x-events`). */
  events?: Record<string, TSchema>;
}

/**
 * One API route: how it is served and how it is documented, in one place. The OpenAPI document
 * is generated from these, so the server and its documentation cannot drift apart.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** Express-style path, e.g. `/api/proxies/:name`. */
  path: string;
  /** `null` for the open routes (health, version, the OpenAPI document itself); `key` for any valid key. */
  scope: Requirement | null;
  tag: string;
  summary: string;
  description?: string;
  params?: Record<string, ParameterSpec>;
  query?: Record<string, ParameterSpec>;
  body?: BodySpec;
  /** Status → response. Auth errors (401/403) are added automatically for scoped routes. */
  responses: Record<number, ResponseSpec>;
  handler: (req: Request, res: Response) => unknown;
}

/** Collects every route; `router()` serves them, `routes` feeds the OpenAPI document. */
export class RouteRegistry {
  readonly routes: RouteSpec[] = [];

  /** `bodyParsers` run only on routes that take a body, after the key check. */
  constructor(
    private readonly keyring: ApiKeyring,
    private readonly bodyParsers: RequestHandler[] = [],
  ) {}

  add(spec: RouteSpec): void {
    this.routes.push(spec);
  }

  router(): Router {
    const router = Router();
    for (const spec of this.routes) {
      const handlers = spec.scope === null ? [] : [this.keyring.require(spec.scope)];
      if (spec.body !== undefined) handlers.push(...this.bodyParsers);
      router[spec.method](spec.path, ...handlers, async (req, res) => {
        await spec.handler(req, res);
      });
    }
    return router;
  }
}

/** A route parameter as a string (Express 5 types them loosely). */
export function param(req: Request, name: string): string {
  return String(req.params[name]);
}
