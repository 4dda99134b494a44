import { createHash } from 'node:crypto';

interface CheckedFile {
  file: string;
  text: string;
  /** Set for a file read but not decoded (binary): its content, since `text` is empty. */
  digest?: string;
}

/**
 * Counts rejected configs for `routex_config_reload_errors_total`. Every reload re-checks every
 * proxy file, so a file that stays invalid is counted once per rejected content (its text and
 * problems), not once per reload; global.yaml rejected on SIGHUP counts each time.
 */
export class ReloadErrorCounter {
  total = 0;
  private readonly rejected = new Map<string, string>();

  recordProxyFiles(files: CheckedFile[], invalid: { file: string; issues: { path: string; message: string }[] }[]): void {
    const invalidByFile = new Map(invalid.map((i) => [i.file, i.issues]));
    for (const file of files) {
      const issues = invalidByFile.get(file.file);
      if (issues === undefined) {
        this.rejected.delete(file.file);
        continue;
      }
      const fingerprint = createHash('sha256').update(file.text).update(file.digest ?? '').update(JSON.stringify(issues.map((i) => [i.path, i.message]))).digest('hex');
      if (this.rejected.get(file.file) === fingerprint) continue;
      this.rejected.set(file.file, fingerprint);
      this.total++;
    }
    const present = new Set(files.map((f) => f.file));
    for (const file of this.rejected.keys()) if (!present.has(file)) this.rejected.delete(file);
  }

  recordGlobalRejected(): void {
    this.total++;
  }
}
