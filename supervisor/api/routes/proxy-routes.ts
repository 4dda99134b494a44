import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../api-context.js';
import { findProxy } from '../proxy-lookup.js';
import { problems, readProxyBody } from '../proxy-body.js';
import type { ProxyFileService } from '../proxy-file-service.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { ProxyConfigView, ProxySummary, ValidationReport } from '../schemas/proxy-schemas.js';
import { proxyView } from '../views/proxy-view.js';
import { proxyFileSchemaRef } from '../schemas/config-schema-ref.js';

const NAME = { name: { description: 'Proxy name.', schema: ProxyName } };
const CONFIG_BODY = {
  description: 'One proxy config, as in a proxies/*.yaml file: YAML, or the same keys as JSON.',
  contentTypes: ['application/yaml', 'application/json', 'text/yaml', 'application/x-yaml'],
  schema: proxyFileSchemaRef,
};
const REJECTED = { description: 'The body is not a valid proxy config; `error.details.errors` names each field.', schema: ErrorBody };

export function proxyRoutes(routes: RouteRegistry, ctx: ApiContext, files: ProxyFileService): void {
  routes.add({
    method: 'get',
    path: '/api/proxies',
    scope: 'proxies:read',
    tag: 'proxies',
    summary: 'Every proxy file, running or not, with state, errors and live counters',
    responses: { 200: { description: 'Sorted by name.', schema: Type.Array(ProxySummary) } },
    handler: (_req, res) => {
      const proxies = ctx.fleet.list().map(proxyView);
      proxies.sort((a, b) => a.name.localeCompare(b.name));
      res.json(proxies);
    },
  });

  routes.add({
    method: 'get',
    path: '/api/proxies/:name',
    scope: 'proxies:read',
    tag: 'proxies',
    summary: 'One proxy',
    params: NAME,
    responses: { 200: { description: 'The proxy.', schema: ProxySummary }, 404: { description: 'No such proxy.', schema: ErrorBody } },
    handler: (req, res) => {
      res.json(proxyView(findProxy(ctx, param(req, 'name'))));
    },
  });

  routes.add({
    method: 'get',
    path: '/api/proxies/:name/config',
    scope: 'proxies:read',
    tag: 'proxies',
    summary: 'The proxy\'s file (as JSON and as YAML text) and the resolved config its worker runs',
    params: NAME,
    responses: { 200: { description: 'The config.', schema: ProxyConfigView }, 404: { description: 'No such proxy.', schema: ErrorBody } },
    handler: async (req, res) => {
      const controller = findProxy(ctx, param(req, 'name'));
      const { text, raw } = await files.readFile(controller);
      res.json({ name: controller.displayName, config_path: controller.file, config: raw, resolved: controller.config, yaml: text });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/proxies/validate',
    scope: 'proxies:read',
    tag: 'proxies',
    summary: 'Checks a proxy config like `routex check` would, without writing anything',
    description: 'Includes the cross-file checks against the proxies that exist (duplicate name, colliding listeners).',
    body: CONFIG_BODY,
    responses: { 200: { description: 'The verdict; `valid` is false with the problems listed.', schema: ValidationReport }, 400: { description: 'The body is empty or not JSON/YAML at all.', schema: ErrorBody } },
    handler: async (req, res) => {
      const body = await readProxyBody(req, ctx);
      const issues = [...body.issues];
      if (body.config !== undefined && issues.length === 0) {
        const existing = ctx.fleet.byName(body.config.name);
        issues.push(...files.crossFileIssues(existing?.file ?? '<api>', body.config));
      }
      res.json({ valid: issues.length === 0, errors: problems(issues), warnings: problems(body.warnings) });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/proxies',
    scope: '*',
    tag: 'proxies',
    summary: 'Creates a proxy: writes proxies/<name>.yaml and starts it if enabled',
    body: CONFIG_BODY,
    responses: {
      201: { description: 'Created.', schema: Type.Object({ status: Type.Literal('created'), name: Type.String(), config_path: Type.String(), proxy: ProxySummary }, { additionalProperties: false }) },
      400: REJECTED,
      409: { description: 'A proxy with that name or file exists, or its listeners collide with another proxy.', schema: ErrorBody },
    },
    handler: async (req, res) => {
      const controller = await files.create(await readProxyBody(req, ctx));
      res.status(201).json({ status: 'created', name: controller.displayName, config_path: controller.file, proxy: proxyView(controller) });
    },
  });

  routes.add({
    method: 'put',
    path: '/api/proxies/:name',
    scope: '*',
    tag: 'proxies',
    summary: 'Replaces a proxy\'s config; comments of the file survive for every key that stays',
    description: 'Applied once: in place when the listeners are unchanged, otherwise by one restart of that proxy.',
    params: NAME,
    body: CONFIG_BODY,
    responses: {
      200: { description: 'Updated.', schema: Type.Object({ status: Type.Literal('updated'), name: Type.String(), proxy: ProxySummary }, { additionalProperties: false }) },
      400: REJECTED,
      404: { description: 'No such proxy.', schema: ErrorBody },
      409: { description: 'Its listeners would collide with another proxy.', schema: ErrorBody },
    },
    handler: async (req, res) => {
      const controller = await files.replace(param(req, 'name'), await readProxyBody(req, ctx));
      res.json({ status: 'updated', name: controller.displayName, proxy: proxyView(controller) });
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/proxies/:name',
    scope: '*',
    tag: 'proxies',
    summary: 'Deletes the proxy\'s file and stops it (draining)',
    params: NAME,
    responses: {
      200: { description: 'Deleted.', schema: Type.Object({ status: Type.Literal('deleted'), name: Type.String(), config_path: Type.String() }, { additionalProperties: false }) },
      404: { description: 'No such proxy.', schema: ErrorBody },
    },
    handler: async (req, res) => {
      const name = param(req, 'name');
      const file = await files.remove(name);
      res.json({ status: 'deleted', name, config_path: file });
    },
  });
}
