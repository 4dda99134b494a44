import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GlobalConfig, ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { parseProxyConfig } from '../../shared/config/load-proxy.js';

/** One proxy file as read and validated on its own (cross-file checks come after). */
export interface ProxyFile {
  /** Absolute path. */
  file: string;
  text: string;
  config?: ProxyConfig;
  raw?: unknown;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function isProxyFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return (lower.endsWith('.yaml') || lower.endsWith('.yml')) && !name.startsWith('.');
}

/** Lists `*.yaml` / `*.yml` directly in `dir`, sorted by name. A missing folder is an error. */
export async function listProxyFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && isProxyFileName(entry.name))
    .map((entry) => path.resolve(dir, entry.name))
    .sort();
}

export async function readProxyFile(file: string, global: GlobalConfig): Promise<ProxyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return { file, text: '', issues: [{ file, path: '', message: `cannot read file (${reason})` }], warnings: [] };
  }
  const parsed = parseProxyConfig(text, file, global);
  return { file, text, config: parsed.config, raw: parsed.raw, issues: parsed.issues, warnings: parsed.warnings };
}

export async function readProxyDirectory(dir: string, global: GlobalConfig): Promise<ProxyFile[]> {
  const files = await listProxyFiles(dir);
  return Promise.all(files.map((file) => readProxyFile(file, global)));
}
