import type { CheckContext } from './check-context.js';
import { parseDuration } from './duration.js';
import { must } from './parsed.js';

/** Records an error when a duration the schema accepted is 0 (`hint` says what to do instead). */
export function requirePositiveDuration(ctx: CheckContext, path: string, value: string | number | undefined, hint = ''): void {
  if (value === undefined || !ctx.clean(path) || must(parseDuration(value)) > 0) return;
  ctx.error(path, `must be more than 0${hint}`);
}
