import { createHash } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { GlobalConfig, ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { parseProxyConfig, type ProxyParseResult } from '../../shared/config/load-proxy.js';
import { decodeConfigBytes, refuseUnreadable } from '../../shared/config/yaml-source.js';

/** One proxy file as read and validated on its own (cross-file checks come after). */
export interface ProxyFile {
  /** Absolute path (of the link, for a symlinked file). */
  file: string;
  text: string;
  /** For a file read but not decoded (binary, not UTF-8): a digest of its bytes, to tell one content from another. */
  digest?: string;
  config?: ProxyConfig;
  raw?: unknown;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

export interface ProxyDirectoryScan {
  files: ProxyFile[];
  /** The real paths of symlinked proxy files: their changes must be watched where they are. */
  linkTargets: string[];
}

/** Checks a proxy file's text: inline, or on the config-check thread. */
export type ProxyTextCheck = (text: string, file: string, global: GlobalConfig) => Promise<ProxyParseResult>;

export const checkInline: ProxyTextCheck = async (text, file, global) => parseProxyConfig(text, file, global);

export function isProxyFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return (lower.endsWith('.yaml') || lower.endsWith('.yml')) && !name.startsWith('.');
}

/** `*.yaml` / `*.yml` directly in `dir`, sorted by name, whatever their type. A missing folder is an error. */
export async function listProxyFiles(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => isProxyFileName(entry.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function invalid(file: string, message: string): ProxyFile {
  return { file, text: '', issues: [{ file, path: '', message }], warnings: [] };
}

/** Why a symlinked proxy file cannot be followed, or its real path. */
async function followLink(file: string): Promise<{ target: string } | { problem: string }> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) return { problem: `is a symlink to ${await readlink(file)}, which is not a regular file` };
    return { target: await realpath(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: `is a broken symlink: ${await readlink(file).catch(() => '?')} does not exist` };
    if (code === 'ELOOP') return { problem: 'is a symlink loop' };
    return { problem: `cannot follow the symlink (${code ?? (error as Error).message})` };
  }
}

/**
 * The file's text: opened without blocking (a FIFO must not hang the reload), refused unread when
 * it is not a regular file or too large, and decoded as UTF-8 text.
 */
export async function readProxyText(file: string): Promise<{ text: string } | { issue: ConfigIssue; digest?: string }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const refused = refuseUnreadable(file, await handle.stat());
    if (refused !== undefined) return { issue: refused };
    const bytes = await handle.readFile();
    const decoded = decodeConfigBytes(bytes, file);
    return 'issue' in decoded ? { ...decoded, digest: createHash('sha256').update(bytes).digest('hex') } : decoded;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { issue: { file, path: '', message: `cannot read file (${reason})` } };
  } finally {
    await handle?.close();
  }
}

interface Checked {
  text: string;
  global: GlobalConfig;
  result: ProxyParseResult;
}

/**
 * The proxies folder as the supervisor sees it. Every file is on its own: whatever is wrong with
 * one (unreadable, not a file, binary, too large or too complex, invalid) makes that file invalid
 * with the reason, and the others load. A file whose text and global config are unchanged since
 * the last read is not checked again.
 */
export class ProxyDirectory {
  private readonly checked = new Map<string, Checked>();

  constructor(
    readonly dir: string,
    private readonly check: ProxyTextCheck = checkInline,
  ) {}

  async read(global: GlobalConfig): Promise<ProxyDirectoryScan> {
    const entries = await listProxyFiles(this.dir);
    const linkTargets: string[] = [];
    const files = await Promise.all(
      entries.map(async (entry) => {
        const file = path.resolve(this.dir, entry.name);
        if (entry.isSymbolicLink()) {
          const link = await followLink(file);
          if ('problem' in link) return invalid(file, link.problem);
          linkTargets.push(link.target);
        } else if (!entry.isFile()) {
          return invalid(file, entry.isDirectory() ? 'is a directory, not a file' : 'is not a regular file');
        }
        return this.readFile(file, global);
      }),
    );
    const present = new Set(files.map((f) => f.file));
    for (const file of this.checked.keys()) if (!present.has(file)) this.checked.delete(file);
    return { files, linkTargets: linkTargets.sort() };
  }

  private async readFile(file: string, global: GlobalConfig): Promise<ProxyFile> {
    const read = await readProxyText(file);
    if ('issue' in read) {
      this.checked.delete(file);
      return { file, text: '', digest: read.digest, issues: [read.issue], warnings: [] };
    }
    const text = read.text;
    let result: ProxyParseResult;
    const previous = this.checked.get(file);
    if (previous !== undefined && previous.text === text && previous.global === global) {
      result = previous.result;
    } else {
      try {
        result = await this.check(text, file, global);
        this.checked.set(file, { text, global, result });
      } catch (error) {
        this.checked.delete(file);
        return { ...invalid(file, `cannot check the file: ${(error as Error).message}`), text };
      }
    }
    return { file, text, config: result.config, raw: result.raw, issues: result.issues, warnings: result.warnings };
  }
}

/** Reads and checks every proxy file once (`routex check`). */
export async function readProxyDirectory(dir: string, global: GlobalConfig, check: ProxyTextCheck = checkInline): Promise<ProxyDirectoryScan> {
  return new ProxyDirectory(dir, check).read(global);
}
