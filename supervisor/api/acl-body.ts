import type { Request } from 'express';
import type { TSchema } from '@sinclair/typebox';
import type { AclAction, AclRule } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { validateAgainstSchema } from '../../shared/config/validator.js';
import { canonicalCidr } from '../../shared/acl/acl-target.js';
import { ApiError } from './api-error.js';
import { AclRuleBody, AclRuleList, AclSettingsBody } from './schemas/acl-schemas.js';

// ACL request bodies, checked by the config's own schema and CIDR parser: an action other than
// allow/deny, a CIDR like 1.2.3.4/33, an unknown key or a wrong type is a 400 naming the field,
// raised before anything is written.

const BODY = '<api>';

export interface AclRuleAddition {
  rule: AclRule;
  /** Insert before this index; undefined appends. */
  position?: number;
}

export interface AclSettingsChange {
  enabled?: boolean;
  default_action?: AclAction;
  close_existing_on_deny?: boolean;
}

/** 400 listing every problem; nothing has been written when this is thrown. */
export function rejectAclBody(issues: Pick<ConfigIssue, 'path' | 'message'>[], what: string): never {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ApiError('ERR_ACL_INVALID', `invalid ${what}: ${summary}`, { errors: issues.map(({ path, message }) => ({ path, message })) });
}

function jsonBody(req: Request): unknown {
  if (req.body === undefined || typeof req.body === 'string') {
    throw new ApiError('ERR_BODY_NOT_JSON', 'send the body as JSON (Content-Type: application/json)');
  }
  return req.body;
}

function validated<T>(schema: TSchema, value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) rejectAclBody([{ path: '', message: 'the body must be a JSON object' }], what);
  const { data, issues } = validateAgainstSchema(schema, value as Record<string, unknown>, BODY);
  if (issues.length > 0) rejectAclBody(issues, what);
  return data as T;
}

function cleanRule(rule: AclRule): AclRule {
  return { action: rule.action, cidr: rule.cidr.trim(), comment: rule.comment };
}

/** `POST …/rules`: `{action, cidr, comment?, position?}`. */
export function readRuleAddition(req: Request): AclRuleAddition {
  const body = validated<AclRule & { position?: number }>(AclRuleBody, jsonBody(req), 'ACL rule');
  return { rule: cleanRule(body), position: body.position };
}

/** `PUT …/rules`: a JSON array of rules, or `{rules: [...]}`. */
export function readRuleList(req: Request): AclRule[] {
  const body = jsonBody(req);
  const list = validated<{ rules: AclRule[] }>(AclRuleList, Array.isArray(body) ? { rules: body } : body, 'ACL rule list');
  return list.rules.map(cleanRule);
}

/** `PATCH /api/acl/…`: `{enabled?, default_action?, close_existing_on_deny?}`, at least one. */
export function readSettingsChange(req: Request): AclSettingsChange {
  const body = jsonBody(req);
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0) {
    rejectAclBody([{ path: '', message: 'send at least one of enabled, default_action, close_existing_on_deny' }], 'ACL settings');
  }
  return validated<AclSettingsChange>(AclSettingsBody, body, 'ACL settings');
}

/** `DELETE …/rules?cidr=`: the canonical form of the CIDR to remove. */
export function readCidrQuery(req: Request): string {
  const raw = req.query['cidr'];
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new ApiError('ERR_ACL_CIDR_REQUIRED', 'the cidr query parameter is required, e.g. ?cidr=10.0.0.0/8');
  }
  const canonical = canonicalCidr(raw);
  if (canonical === undefined) rejectAclBody([{ path: 'cidr', message: `"${raw}" is not a CIDR like "10.0.0.0/8" or an IP address` }], 'cidr');
  return canonical;
}
