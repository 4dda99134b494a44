// Collects the semantic problems of one file. Semantic checks run even when the schema found
// problems, so a file's every mistake is reported in one pass; `clean()` tells a check whether the
// values it reads passed the schema, and so have the types the schema promises.
import { overlaps } from './config-path.js';
import type { ConfigIssue } from './errors.js';
import type { Parsed } from './parsed.js';

export class CheckContext {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];

  constructor(
    readonly file: string,
    private readonly schemaIssues: readonly ConfigIssue[],
  ) {}

  /** True when the schema found nothing wrong at, above or below any of these paths. */
  clean(...paths: string[]): boolean {
    return paths.every((path) => !this.schemaIssues.some((issue) => overlaps(issue.path, path)));
  }

  error(path: string, message: string): void {
    this.issues.push({ file: this.file, path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ file: this.file, path, message });
  }

  /** The parsed value, or undefined after recording the parse error at `path`. */
  value<T>(path: string, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.error(path, parsed.error);
    return undefined;
  }
}
