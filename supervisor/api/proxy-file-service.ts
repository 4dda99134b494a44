import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { checkProxySet } from '../../shared/config/check-proxy-set.js';
import type { DocumentEdit, DocumentEditResult } from '../config/file-edit-jobs.js';
import { rewriteFile, UneditableFileError, withFileLock, writeFileAtomic } from '../config/yaml-file-writer.js';
import { readProxyText } from '../config/proxy-directory.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';
import { checkOffLoop } from './off-loop-check.js';
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
    // A file that does not read as YAML has no comments worth keeping: the new config replaces it.
    await this.edit(controller.file, { op: 'replace', value: body.raw! }, body.yaml);
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
    const edited = await this.edit(controller.file, { op: 'set-enabled', enabled });
    if (edited.outcome === 'uneditable') {
      const error = new UneditableFileError(controller.file, edited.issues);
      throw new ApiError('ERR_PROXY_FILE_INVALID', `${error.message}; fix the file first`, { errors: edited.issues.map(({ path, message }) => ({ path, message })) });
    }
    return this.applied(controller.file);
  }

  async readFile(controller: ProxyController): Promise<{ text: string; raw: unknown }> {
    const read = await readProxyText(controller.file);
    if ('issue' in read) return { text: '', raw: null };
    // An invalid file is shown as text only; a large one is parsed off the event loop.
    const parsed = await checkOffLoop(this.ctx, { kind: 'yaml-mapping', text: read.text, file: controller.file }).catch(() => undefined);
    return { text: read.text, raw: parsed?.value ?? null };
  }

  /**
   * Edits the file on the config-check thread (the whole file is parsed and printed again). A file
   * that is no YAML mapping is left alone, or replaced by `whenUneditable` when given.
   */
  private edit(file: string, edit: DocumentEdit, whenUneditable?: string): Promise<DocumentEditResult> {
    const cannotEdit = (message: string): ApiError => new ApiError('ERR_PROXY_FILE_INVALID', `cannot edit ${file}: ${message}`);
    return rewriteFile(
      file,
      (text) => checkOffLoop(this.ctx, { kind: 'document-edit', file, text, edit }, cannotEdit),
      (edited) => (edited.outcome === 'edited' ? edited.text : whenUneditable),
    );
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
