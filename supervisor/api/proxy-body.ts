import type { Request } from 'express';
import YAML from 'yaml';
import type { GlobalConfig, ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { parseProxyConfig } from '../../shared/config/load-proxy.js';
import { ApiError } from './api-error.js';

/** A proxy config sent in a request body, as YAML or JSON, checked like a file. */
export interface ProxyBody {
  /** The document as YAML text, ready to be written to a file. */
  yaml: string;
  raw: Record<string, unknown> | undefined;
  config?: ProxyConfig;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

const BODY_FILE = '<api>';

function isJsonRequest(req: Request): boolean {
  return /\bjson\b/i.test(req.get('content-type') ?? '');
}

/**
 * The body as a proxy config: JSON bodies arrive parsed by express.json (a syntax error is
 * already a 400), YAML bodies as text.
 */
export function readProxyBody(req: Request, global: GlobalConfig): ProxyBody {
  let yaml: string;
  if (isJsonRequest(req)) {
    const value: unknown = req.body;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError('ERR_BODY_NOT_OBJECT', 'the body must be a JSON object (one proxy config)');
    }
    yaml = YAML.stringify(value);
  } else {
    yaml = typeof req.body === 'string' ? req.body : '';
  }
  if (yaml.trim() === '' || yaml.trim() === '{}') throw new ApiError('ERR_BODY_EMPTY', 'the request body is empty; send a proxy config as YAML or JSON');
  const parsed = parseProxyConfig(yaml, BODY_FILE, global);
  const raw = typeof parsed.raw === 'object' && parsed.raw !== null && !Array.isArray(parsed.raw) ? (parsed.raw as Record<string, unknown>) : undefined;
  return { yaml, raw, config: parsed.config, issues: parsed.issues, warnings: parsed.warnings };
}

export function problems(issues: ConfigIssue[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path, message: i.message }));
}

/** 400 naming every invalid field; nothing has been written when this is thrown. */
export function rejectInvalid(issues: ConfigIssue[]): never {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ApiError('ERR_CONFIG_INVALID', `invalid proxy config: ${summary}`, { errors: problems(issues) });
}
