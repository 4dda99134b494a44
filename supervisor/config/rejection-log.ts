import { createHash } from 'node:crypto';
import { formatIssue, type ConfigIssue } from '../../shared/config/errors.js';
import type { Logger } from '../logging/logger.js';

/** Problems of one file logged one per line; the rest are counted in one more line. */
export const MAX_LOGGED_PROBLEMS = 5;
/** A logged problem longer than this is cut: the whole text is in `routex check` and the API. */
export const MAX_LOGGED_CHARS = 300;

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Control characters and lone surrogates as `\uXXXX`, cut at `max` characters: safe in any log line. */
export function escapeForLog(text: string, max = MAX_LOGGED_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface CheckedFile {
  file: string;
  text: string;
  digest?: string;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

export interface FileOwner {
  /** The proxy's name, or the file's while it has never been valid. */
  proxy: string;
  /** The name of the config still running, if any. */
  keeps: string | null;
}

/**
 * Logs a proxy file's problems and warnings when they change (its text or what is wrong with
 * it), not at every reload: a file that stays broken is logged once. At most
 * MAX_LOGGED_PROBLEMS lines per file, each escaped and cut.
 */
export class ConfigRejectionLog {
  private readonly logged = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  record(files: readonly CheckedFile[], owner: (file: string) => FileOwner): void {
    for (const file of files) {
      if (file.issues.length === 0 && file.warnings.length === 0) {
        this.logged.delete(file.file);
        continue;
      }
      const fingerprint = this.fingerprint(file);
      if (this.logged.get(file.file) === fingerprint) continue;
      this.logged.set(file.file, fingerprint);
      const { proxy, keeps } = owner(file.file);
      for (const warning of file.warnings) this.logger.warn('config warning', { proxy, file: file.file, problem: escapeForLog(formatIssue(warning)) });
      const shown = file.issues.slice(0, MAX_LOGGED_PROBLEMS);
      for (const issue of shown) this.logger.error('config rejected', { proxy, file: file.file, problem: escapeForLog(formatIssue(issue)), keeps });
      const more = file.issues.length - shown.length;
      if (more > 0) this.logger.error('config rejected', { proxy, file: file.file, problem: `${more} more problems: routex check or GET /api/proxies lists them all`, keeps });
    }
    const present = new Set(files.map((f) => f.file));
    for (const file of this.logged.keys()) if (!present.has(file)) this.logged.delete(file);
  }

  private fingerprint(file: CheckedFile): string {
    const problems = [...file.issues, ...file.warnings].map((i) => [i.path, i.message]);
    return createHash('sha256').update(file.text).update(file.digest ?? '').update(JSON.stringify(problems)).digest('hex');
  }
}
