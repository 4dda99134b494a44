import { isDeepStrictEqual } from 'node:util';
import type { AclConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { MAX_CONFIG_FILE_BYTES } from '../../shared/config/document-limits.js';
import type { AclScope } from '../../shared/acl/acl-counts.js';
import type { AclEdit, AclEditResult } from '../config/file-edit-jobs.js';
import { rewriteFile, UneditableFileError } from '../config/yaml-file-writer.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';
import { rejectAclBody } from './acl-body.js';
import { checkOffLoop } from './off-loop-check.js';
import { findProxy } from './proxy-lookup.js';
import { aclView, type AclViewBody } from './views/acl-view.js';

/** Which ACL a request is about. */
export type AclRef = { scope: 'global' } | { scope: 'proxy'; name: string };

export interface WorkersReport {
  updated: string[];
  not_running: string[];
  stale: string[];
}

export interface AclChange {
  changed: boolean;
  workers: WorkersReport;
  /** Where an inserted rule went. */
  index: number;
  /** How many rules a removal took out. */
  removed: number;
}

/** How long an answer waits for a worker that had to (re)start. */
const SETTLE_MS = 10_000;

function fileProblem(file: string, issues: ConfigIssue[]): never {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ApiError('ERR_ACL_FILE_INVALID', `${file} has errors, fix them first: ${summary}`, {
    errors: issues.map(({ path, message }) => ({ path, message })),
  });
}

/**
 * ACL changes through the API. Each change edits the `acl:` section of the YAML file that holds
 * the ACL (global.yaml or the proxy's file) — the rest of the file is left byte for byte — is
 * checked by loading the edited text like the file itself (all of it on the config-check thread),
 * is written atomically, and is then applied by a reload: every affected worker gets the new ACL
 * in place before the answer goes out. Changes run one at a time.
 */
export class AclFileService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ApiContext) {}

  /** The ACL as it runs now, with its counters. 404 for an unknown proxy. */
  view(ref: AclRef): AclViewBody {
    if (ref.scope === 'global') return aclView(this.ctx.global().acl, 'global', this.ctx.fleet.list().map((c) => c.stats.acl));
    const controller = findProxy(this.ctx, ref.name);
    return aclView(controller.config!.acl, 'proxy', [controller.stats.acl], controller.displayName);
  }

  /** Applies `edit` to the file that holds the ACL (refusing it with 400 or 409 as it must). */
  change(ref: AclRef, edit: AclEdit): Promise<AclChange> {
    const run = this.queue.then(() => this.changeNow(ref, edit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async changeNow(ref: AclRef, edit: AclEdit): Promise<AclChange> {
    const controller = ref.scope === 'proxy' ? findProxy(this.ctx, ref.name) : undefined;
    const file = controller?.file ?? this.ctx.globalFile();
    const global = ref.scope === 'proxy' ? this.ctx.global() : undefined;
    const cannotEdit = (message: string): ApiError => new ApiError('ERR_ACL_FILE_INVALID', `cannot edit ${file}: ${message}`);
    let result: AclEditResult;
    try {
      // Parsing, editing, printing and checking the file happen on the config-check thread: a
      // large ACL would otherwise hold the event loop for seconds.
      result = await rewriteFile(
        file,
        (text) => checkOffLoop(this.ctx, { kind: 'acl-edit', file, text, edit, global }, cannotEdit),
        (edited) => (edited.outcome === 'edited' ? edited.text : undefined),
      );
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw cannotEdit((error as Error).message);
    }
    if (result.outcome === 'uneditable') throw cannotEdit(new UneditableFileError(file, result.issues).message);
    if (result.outcome === 'invalid') fileProblem(file, result.issues);
    if (result.outcome === 'too-large') rejectAclBody([{ path: '', message: `${file} would be ${result.bytes} bytes, more than the ${MAX_CONFIG_FILE_BYTES} a config file may have` }], 'ACL change');
    if (result.outcome === 'bad-position') rejectAclBody([{ path: 'position', message: `must be 0-${result.count}: the ACL has ${result.count} rules` }], 'ACL rule');
    if (result.outcome === 'unchanged') return { changed: false, workers: this.workers(ref.scope, this.targets(controller), this.running(controller)), index: 0, removed: 0 };
    if (ref.scope === 'global') await this.ctx.reloadGlobal();
    else await this.ctx.reload();
    const targets = this.targets(controller);
    await Promise.all(targets.map((c) => c.settled(SETTLE_MS)));
    return { changed: true, workers: this.workers(ref.scope, targets, result.acl), index: result.index, removed: result.removed };
  }

  /** The ACL in force now: the supervisor's global one, or the proxy's resolved one. */
  private running(controller: ProxyController | undefined): AclConfig {
    return controller === undefined ? this.ctx.global().acl : controller.config!.acl;
  }

  private targets(controller: ProxyController | undefined): ProxyController[] {
    if (controller === undefined) return this.ctx.fleet.list().filter((c) => c.config !== null);
    return [this.ctx.fleet.byFile(controller.file) ?? controller];
  }

  /** Where the ACL now runs: compares each running worker's config with the one expected. */
  private workers(scope: AclScope, targets: ProxyController[], expected: AclConfig): WorkersReport {
    const report: WorkersReport = { updated: [], not_running: [], stale: [] };
    for (const controller of targets) {
      const name = controller.displayName;
      if (controller.runningWorker === null || controller.config === null) {
        report.not_running.push(name);
        continue;
      }
      const running = scope === 'global' ? controller.config.globalAcl : controller.config.acl;
      if (isDeepStrictEqual(running, expected)) report.updated.push(name);
      else report.stale.push(name);
    }
    return report;
  }
}
