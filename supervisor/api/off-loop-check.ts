import type { CheckJob, CheckResults } from '../config/config-check-jobs.js';
import { ConfigCheckError } from '../config/config-checker.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';

const bodyTooComplex = (message: string): ApiError => new ApiError('ERR_BODY_TOO_COMPLEX', `the config could not be checked: ${message}`);

/**
 * Runs a config check on the config-check thread. A check that fails or takes too long is the
 * body's fault (400) unless `failed` says whose it is (a file's edit, say).
 */
export async function checkOffLoop<J extends CheckJob>(ctx: ApiContext, job: J, failed: (message: string) => ApiError = bodyTooComplex): Promise<CheckResults[J['kind']]> {
  try {
    return await ctx.configChecker.check(job);
  } catch (error) {
    if (!(error instanceof ConfigCheckError)) throw error;
    if (error.reason === 'closed') throw new ApiError('ERR_SHUTTING_DOWN', 'RouteX is shutting down');
    throw failed(error.message);
  }
}

/** A YAML body as a mapping, parsed off the event loop: 400 naming the line for a syntax error or a document past the limits. */
export async function yamlMappingBody(ctx: ApiContext, text: string): Promise<Record<string, unknown>> {
  const parsed = await checkOffLoop(ctx, { kind: 'yaml-mapping', text, file: '<api>' });
  if (parsed.value !== undefined) return parsed.value;
  const summary = parsed.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ApiError('ERR_CONFIG_INVALID', `invalid YAML body: ${summary}`, { errors: parsed.issues.map(({ path, message }) => ({ path, message })) });
}
