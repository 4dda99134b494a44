import type { Request } from 'express';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';
import { checkOffLoop } from './off-loop-check.js';
import type { CheckJob } from '../config/config-check-jobs.js';
import type { ProxyParseResult } from '../../shared/config/load-proxy.js';

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

/** A JSON body arrives parsed (and shape-checked, see request-body.ts), a YAML body as text. */
function checkJob(req: Request, ctx: ApiContext): Extract<CheckJob, { kind: 'proxy-text' | 'proxy-value' }> {
  const global = ctx.global();
  if (isJsonRequest(req)) {
    const value: unknown = req.body;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError('ERR_BODY_NOT_OBJECT', 'the body must be a JSON object (one proxy config)');
    }
    if (Object.keys(value).length === 0) throw emptyBody();
    return { kind: 'proxy-value', value: value as Record<string, unknown>, file: BODY_FILE, global };
  }
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '' || text.trim() === '{}') throw emptyBody();
  return { kind: 'proxy-text', text, file: BODY_FILE, global };
}

function emptyBody(): ApiError {
  return new ApiError('ERR_BODY_EMPTY', 'the request body is empty; send a proxy config as YAML or JSON');
}

/** The body as a proxy config, checked on the config-check thread (parsing a large one takes time). */
export async function readProxyBody(req: Request, ctx: ApiContext): Promise<ProxyBody> {
  const job = checkJob(req, ctx);
  const parsed: ProxyParseResult & { yaml?: string } = await checkOffLoop(ctx, job);
  const yaml = parsed.yaml ?? (job.kind === 'proxy-text' ? job.text : '');
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
