import express, { type RequestHandler } from 'express';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { ApiConfig } from '../../shared/config/resolved-types.js';
import type { ApiContext } from './api-context.js';
import { errorHandler, notFound } from './api-error.js';
import { AclFileService } from './acl-file-service.js';
import { cors, requestLog } from './middleware.js';
import { ProxyFileService } from './proxy-file-service.js';
import { bodyParsers } from './request-body.js';
import { RouteRegistry } from './route-registry.js';
import { aclRoutes } from './routes/acl-routes.js';
import { l7Routes } from './routes/l7-routes.js';
import { bandwidthRoutes } from './routes/bandwidth-routes.js';
import { connectionRoutes } from './routes/connection-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { iptablesRoutes } from './routes/iptables-routes.js';
import { openApiRoutes } from './routes/openapi-routes.js';
import { proxyLifecycleRoutes } from './routes/proxy-lifecycle-routes.js';
import { proxyRoutes } from './routes/proxy-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { upstreamRoutes } from './routes/upstream-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { dashboardRouter } from '../dashboard/dashboard-router.js';
import { RoutexError } from '../../shared/errors/routex-error.js';

export class ApiStartError extends RoutexError {
  constructor(message: string) {
    super('ERR_API_START', message);
  }
}

/** Every route of the API, each concern registering its own. */
export function registerRoutes(ctx: ApiContext, parsers: RequestHandler[] = []): RouteRegistry {
  const routes = new RouteRegistry(ctx.keyring, parsers);
  const files = new ProxyFileService(ctx);
  healthRoutes(routes);
  systemRoutes(routes, ctx);
  proxyRoutes(routes, ctx, files);
  proxyLifecycleRoutes(routes, ctx, files);
  connectionRoutes(routes, ctx);
  upstreamRoutes(routes, ctx);
  metricsRoutes(routes, ctx);
  historyRoutes(routes, ctx);
  bandwidthRoutes(routes, ctx);
  aclRoutes(routes, ctx, new AclFileService(ctx));
  eventRoutes(routes, ctx);
  l7Routes(routes, ctx);
  iptablesRoutes(routes, ctx);
  openApiRoutes(routes);
  return routes;
}

export function buildApp(ctx: ApiContext, config: ApiConfig): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(ctx.logger));
  app.use(cors(config.corsOrigins));
  app.use(registerRoutes(ctx, bodyParsers(config.maxBodyBytes)).router());
  if (config.dashboard) app.use(dashboardRouter());
  app.use(notFound);
  app.use(errorHandler((error) => ctx.logger.error('api handler failed', { error: String((error as Error)?.stack ?? error) })));
  return app;
}

function loadTls(config: ApiConfig): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
  } catch (error) {
    throw new ApiStartError(`cannot read API TLS files: ${(error as Error).message}`);
  }
}

/** The REST API's HTTP(S) listener. */
export class ApiServer {
  private server: http.Server | null = null;

  constructor(
    private readonly ctx: ApiContext,
    private readonly config: ApiConfig,
  ) {}

  async start(): Promise<void> {
    const app = buildApp(this.ctx, this.config);
    let server: http.Server;
    try {
      server = this.config.tls.enabled ? https.createServer({ ...loadTls(this.config) }, app) : http.createServer(app);
    } catch (error) {
      if (error instanceof ApiStartError) throw error;
      throw new ApiStartError(`invalid API TLS certificate or key: ${(error as Error).message}`);
    }
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(new ApiStartError(`cannot listen on ${this.config.bind}: ${error.code ?? error.message}`)));
      server.listen({ host: this.config.host, port: this.config.port }, () => resolve());
    });
    this.server = server;
  }

  /** The port actually bound (useful when the config says port 0). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : this.config.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
