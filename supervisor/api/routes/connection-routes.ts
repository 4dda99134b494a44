import { Type } from '@sinclair/typebox';
import type { ConnectionInfo } from '../../../shared/ipc/protocol.js';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { askWorker, forwardingKernelProxy, runningWorker } from '../proxy-lookup.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { ConnectionView } from '../schemas/proxy-schemas.js';

function connectionView(c: ConnectionInfo) {
  return {
    id: c.id,
    protocol: c.protocol,
    src_ip: c.clientIp,
    src_port: c.clientPort,
    listener_port: c.listenerPort,
    upstream: c.upstreamIp,
    upstream_port: c.upstreamPort,
    bytes_in: c.bytesIn,
    bytes_out: c.bytesOut,
    started_at: c.startedAt,
  };
}

const NOT_RUNNING = { description: 'The proxy exists but is not running.', schema: ErrorBody };

/**
 * Live connections of a proxy, answered by its worker; a kill really closes the connection. A
 * kernel-mode proxy's connections are conntrack's flows (ids are conntrack's; a kill deletes the
 * flow, so its next packet meets no NAT binding and is refused).
 */
export function connectionRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  routes.add({
    method: 'get',
    path: '/api/proxies/:name/connections',
    scope: 'proxies:read',
    tag: 'connections',
    summary: 'Open TCP connections and UDP sessions, with bytes so far',
    params: { name: { description: 'Proxy name.', schema: ProxyName } },
    responses: {
      200: { description: 'Oldest first.', schema: Type.Array(ConnectionView) },
      404: { description: 'No such proxy.', schema: ErrorBody },
      409: NOT_RUNNING,
    },
    handler: async (req, res) => {
      const name = param(req, 'name');
      const list = forwardingKernelProxy(ctx, name) === null ? await askWorker(runningWorker(ctx, name), 'connections.list', {}) : await ctx.kernel.connections(name);
      res.json(list.map(connectionView));
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/proxies/:name/connections/:id',
    scope: '*',
    tag: 'connections',
    summary: 'Closes one connection (TCP: both sides at once; UDP: ends the session)',
    params: {
      name: { description: 'Proxy name.', schema: ProxyName },
      id: { description: 'Connection id from the list.', schema: Type.String({ pattern: '^[0-9]+$' }) },
    },
    responses: {
      200: { description: 'Closed.', schema: Type.Object({ status: Type.Literal('killed'), id: Type.Integer() }, { additionalProperties: false }) },
      400: { description: 'The id is not a number.', schema: ErrorBody },
      404: { description: 'No such proxy or connection.', schema: ErrorBody },
      409: NOT_RUNNING,
    },
    handler: async (req, res) => {
      const text = param(req, 'id');
      const id = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) throw new ApiError('ERR_INVALID_ID', `"${text}" is not a connection id`);
      const name = param(req, 'name');
      const killed = forwardingKernelProxy(ctx, name) === null ? (await askWorker(runningWorker(ctx, name), 'connection.kill', { connectionId: id })).killed : await ctx.kernel.kill(name, id);
      if (!killed) throw new ApiError('ERR_CONNECTION_NOT_FOUND', `no open connection ${id}`);
      ctx.logger.info('connection killed through the api', { proxy: param(req, 'name'), id, by: res.locals.apiKeyLabel });
      res.json({ status: 'killed', id });
    },
  });
}
