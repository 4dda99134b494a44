import type { Request } from 'express';
import { Type } from '@sinclair/typebox';
import type { AclRule } from '../../../shared/config/resolved-types.js';
import { readCidrQuery, readRuleAddition, readRuleList, readSettingsChange } from '../acl-body.js';
import type { AclFileService, AclRef } from '../acl-file-service.js';
import type { ApiContext } from '../api-context.js';
import { param, type ParameterSpec, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import {
  AclAddedReply,
  AclRemovedReply,
  AclReplaceBody,
  AclReplacedReply,
  AclRuleBody,
  AclSettingsBody,
  AclUpdatedReply,
  AclView,
} from '../schemas/acl-schemas.js';
import { aclWarnings } from '../acl-warnings.js';

interface Scope {
  base: string;
  label: string;
  file: string;
  params?: Record<string, ParameterSpec>;
  ref(req: Request): AclRef;
  errors: Record<number, { description: string; schema: typeof ErrorBody }>;
}

const INVALID = { description: 'Invalid body or query (action other than allow/deny, bad CIDR, unknown key, wrong type): nothing was changed.', schema: ErrorBody };
const FILE_INVALID = { description: 'The file has errors of its own (fix it first): nothing was changed.', schema: ErrorBody };

const SCOPES: Scope[] = [
  { base: '/api/acl/global', label: 'the global ACL', file: 'global.yaml', ref: () => ({ scope: 'global' }), errors: { 409: FILE_INVALID } },
  {
    base: '/api/acl/proxy/:name',
    label: 'a proxy\'s ACL',
    file: 'the proxy\'s file',
    params: { name: { description: 'Proxy name.', schema: ProxyName } },
    ref: (req) => ({ scope: 'proxy', name: param(req, 'name') }),
    errors: { 404: { description: 'No such proxy.', schema: ErrorBody }, 409: FILE_INVALID },
  },
];

/**
 * The ACL routes (admin scope), global and per proxy: view, add, remove and replace rules, and
 * change the settings. Every change is written to the YAML file and reaches the workers before
 * the answer (see AclFileService).
 */
export function aclRoutes(routes: RouteRegistry, ctx: ApiContext, acl: AclFileService): void {
  for (const scope of SCOPES) {
    const common = { scope: '*' as const, tag: 'acl', params: scope.params };
    const logChange = (req: Request, change: string, fields: Record<string, unknown> = {}): void => {
      const ref = scope.ref(req);
      ctx.logger.info('acl changed', { acl: ref.scope, proxy: ref.scope === 'proxy' ? ref.name : undefined, change, ...fields, by: req.res?.locals.apiKeyLabel });
    };

    routes.add({
      ...common,
      method: 'get',
      path: scope.base,
      summary: `Shows ${scope.label}: settings, rules with hit counts, allowed/denied totals`,
      responses: { 200: { description: 'The ACL as it runs now.', schema: AclView }, ...pick(scope.errors, 404) },
      handler: (req, res) => res.json(acl.view(scope.ref(req))),
    });

    routes.add({
      ...common,
      method: 'patch',
      path: scope.base,
      summary: `Turns ${scope.label} on or off, or changes its default_action or close_existing_on_deny`,
      body: { description: 'The settings to change.', contentTypes: ['application/json'], schema: AclSettingsBody },
      responses: { 200: { description: `Written to ${scope.file} and applied.`, schema: AclUpdatedReply }, 400: INVALID, ...scope.errors },
      handler: async (req, res) => {
        const settings = readSettingsChange(req);
        const { workers } = await acl.change(scope.ref(req), { op: 'settings', settings });
        logChange(req, 'settings', { ...settings });
        const view = acl.view(scope.ref(req));
        res.json({ status: 'updated', acl: view, workers, ...aclWarnings(view) });
      },
    });

    routes.add({
      ...common,
      method: 'post',
      path: `${scope.base}/rules`,
      summary: `Adds a rule to ${scope.label} (last, or at \`position\`)`,
      body: { description: 'The rule.', contentTypes: ['application/json'], schema: AclRuleBody },
      responses: { 200: { description: `Written to ${scope.file} and applied.`, schema: AclAddedReply }, 400: INVALID, ...scope.errors },
      handler: async (req, res) => {
        const { rule, position } = readRuleAddition(req);
        const { workers, index } = await acl.change(scope.ref(req), { op: 'insert', rule, position });
        logChange(req, 'rule added', { action: rule.action, cidr: rule.cidr, position: index });
        const view = acl.view(scope.ref(req));
        res.json({ status: 'added', acl: view, workers, ...aclWarnings(view, index) });
      },
    });

    routes.add({
      ...common,
      method: 'delete',
      path: `${scope.base}/rules`,
      summary: `Removes every rule of ${scope.label} with the given cidr`,
      query: { cidr: { description: 'The rule\'s cidr; a bare IP and its /32 (or /128) name the same rule, as do `2001:DB8::/32` and `2001:db8::/32`.', schema: Type.String(), required: true } },
      responses: { 200: { description: `Written to ${scope.file} and applied (nothing is written when no rule matched).`, schema: AclRemovedReply }, 400: INVALID, ...scope.errors },
      handler: async (req, res) => {
        const canonical = readCidrQuery(req);
        const { workers, removed } = await acl.change(scope.ref(req), { op: 'remove', canonicalCidr: canonical });
        if (removed > 0) logChange(req, 'rules removed', { cidr: canonical, removed });
        res.json({ removed, acl: acl.view(scope.ref(req)), workers });
      },
    });

    routes.add({
      ...common,
      method: 'put',
      path: `${scope.base}/rules`,
      summary: `Replaces every rule of ${scope.label}`,
      body: { description: 'The complete new rule list.', contentTypes: ['application/json'], schema: AclReplaceBody },
      responses: { 200: { description: `Written to ${scope.file} and applied.`, schema: AclReplacedReply }, 400: INVALID, ...scope.errors },
      handler: async (req, res) => {
        const rules: AclRule[] = readRuleList(req);
        const { workers } = await acl.change(scope.ref(req), { op: 'replace', rules });
        logChange(req, 'rules replaced', { count: rules.length });
        const view = acl.view(scope.ref(req));
        res.json({ count: rules.length, acl: view, workers, ...aclWarnings(view) });
      },
    });
  }
}

function pick<T>(errors: Record<number, T>, status: number): Record<number, T> {
  return errors[status] === undefined ? {} : { [status]: errors[status]! };
}
