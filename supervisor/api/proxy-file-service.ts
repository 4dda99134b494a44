import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { checkProxySet } from '../../shared/config/check-proxy-set.js';
import { parseYamlMapping } from '../../shared/config/yaml-source.js';
import { editYamlFile, UneditableFileError, withFileLock, writeFileAtomic } from '../config/yaml-file-writer.js';
import { syncDocument } from '../config/yaml-document-sync.js';
import { readProxyText } from '../config/proxy-directory.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';
import { findProxy } from './proxy-lookup.js';
import { rejectInvalid, type ProxyBody } from './proxy-body.js';

/** How long a write waits for a started worker to report ready before answering. */
const SETTLE_MS = 10_000;

/**
 * Config changes through the API: every change is validated like a file (plus the cross-file
 * checks against the other proxies), written to the proxy's YAML file atomically — keeping the
 * operator's comments where the file exists — and then applied by one reload. The watcher sees
 * the write too, finds the resolved config unchanged, and does nothing.
 */
export class ProxyFileService {
  constructor(private readonly ctx: ApiContext) {}

  /** Problems of `config` against every other proxy (names, colliding listeners). */
  crossFileIssues(file: string, config: ProxyConfig): ConfigIssue[] {
    const others = this.ctx.fleet
      .list()
      .filter((c) => c.file !== file && c.config !== null)
      .map((c) => ({ file: c.file, config: c.config! }));
    return checkProxySet([...others, { file, config }]).filter((issue) => issue.file === file);
  }

  async create(body: ProxyBody): Promise<ProxyController> {
    const config = this.validOrThrow(body);
    if (this.ctx.fleet.byName(config.name) !== undefined) throw new ApiError('ERR_PROXY_EXISTS', `a proxy named "${config.name}" already exists`);
    const file = path.join(this.ctx.proxiesDir(), `${config.name}.yaml`);
    await withFileLock(file, async () => {
      if (existsSync(file)) throw new ApiError('ERR_PROXY_FILE_EXISTS', `${file} already exists`);
      this.rejectConflicts(file, config);
      await writeFileAtomic(file, body.yaml);
    });
    return this.applied(file);
  }

  async replace(name: string, body: ProxyBody): Promise<ProxyController> {
    const controller = findProxy(this.ctx, name);
    const config = this.validOrThrow(body);
    if (config.name !== name) {
      throw new ApiError('ERR_CONFIG_INVALID', `name must stay "${name}" (rename by creating a new proxy and deleting this one)`, {
        errors: [{ path: 'name', message: `must be "${name}"` }],
      });
    }
    this.rejectConflicts(controller.file, config);
    try {
      await editYamlFile(controller.file, (doc) => syncDocument(doc, body.raw!));
    } catch (error) {
      // A file that does not read as YAML has no comments worth keeping: the new config replaces it.
      if (!(error instanceof UneditableFileError)) throw error;
      await withFileLock(controller.file, () => writeFileAtomic(controller.file, body.yaml));
    }
    return this.applied(controller.file);
  }

  async remove(name: string): Promise<string> {
    const controller = findProxy(this.ctx, name);
    await unlink(controller.file);
    await this.ctx.reload();
    return controller.file;
  }

  async setEnabled(name: string, enabled: boolean): Promise<ProxyController> {
    const controller = findProxy(this.ctx, name);
    if (enabled && controller.config !== null) this.rejectConflicts(controller.file, { ...controller.config, enabled: true });
    await this.edit(controller.file, (doc) => {
      doc.set('enabled', enabled);
    });
    return this.applied(controller.file);
  }

  async readFile(controller: ProxyController): Promise<{ text: string; raw: unknown }> {
    const read = await readProxyText(controller.file);
    if ('issue' in read) return { text: '', raw: null };
    // An invalid file is shown as text only.
    return { text: read.text, raw: parseYamlMapping(read.text, controller.file).value ?? null };
  }

  /** A file that does not read as YAML (or past the document limits) is a 409, not an edit. */
  private async edit(file: string, change: Parameters<typeof editYamlFile>[1]): Promise<void> {
    try {
      await editYamlFile(file, change);
    } catch (error) {
      if (!(error instanceof UneditableFileError)) throw error;
      throw new ApiError('ERR_PROXY_FILE_INVALID', `${error.message}; fix the file first`, { errors: error.issues.map(({ path, message }) => ({ path, message })) });
    }
  }

  private validOrThrow(body: ProxyBody): ProxyConfig {
    if (body.issues.length > 0 || body.config === undefined || body.raw === undefined) rejectInvalid(body.issues);
    return body.config;
  }

  private rejectConflicts(file: string, config: ProxyConfig): void {
    const issues = this.crossFileIssues(file, config);
    if (issues.length === 0) return;
    throw new ApiError('ERR_PROXY_CONFLICT', issues.map((i) => i.message).join('; '), { errors: issues.map((i) => ({ path: i.path, message: i.message })) });
  }

  /** Reloads, then waits for the proxy's worker to settle so the answer shows its real state. */
  private async applied(file: string): Promise<ProxyController> {
    await this.ctx.reload();
    const controller = this.ctx.fleet.byFile(file);
    if (controller === undefined) throw new ApiError('ERR_INTERNAL', `${file} was written but not loaded`);
    await controller.settled(SETTLE_MS);
    return controller;
  }
}
