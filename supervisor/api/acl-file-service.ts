import { isDeepStrictEqual } from 'node:util';
import type { Document } from 'yaml';
import type { AclConfig } from '../../shared/config/resolved-types.js';
import { parseGlobalConfig } from '../../shared/config/load-global.js';
import { parseProxyConfig } from '../../shared/config/load-proxy.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import type { AclScope } from '../../shared/acl/acl-counts.js';
import { editYamlSection } from '../config/yaml-section-writer.js';
import type { ProxyController } from '../workers/proxy-controller.js';
import type { ApiContext } from './api-context.js';
import { ApiError } from './api-error.js';
import { findProxy } from './proxy-lookup.js';
import { aclView, type AclViewBody } from './views/acl-view.js';

/** Which ACL a request is about. */
export type AclRef = { scope: 'global' } | { scope: 'proxy'; name: string };

export interface WorkersReport {
  updated: string[];
  not_running: string[];
  stale: string[];
}

/** How long an answer waits for a worker that had to (re)start. */
const SETTLE_MS = 10_000;
const NO_CHANGE = Symbol('no change');

function fileProblem(file: string, issues: ConfigIssue[]): never {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ApiError('ERR_ACL_FILE_INVALID', `${file} has errors, fix them first: ${summary}`, {
    errors: issues.map(({ path, message }) => ({ path, message })),
  });
}

/**
 * ACL changes through the API. Each change edits the `acl:` section of the YAML file that holds
 * the ACL (global.yaml or the proxy's file) — the rest of the file is left byte for byte — is
 * checked by loading the edited text like the file itself, is written atomically, and is then
 * applied by a reload: every affected worker gets the new ACL in place before the answer goes
 * out. Changes run one at a time.
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

  /**
   * Runs `edit` on the file's document. `edit` returns false when it changed nothing (the file
   * is then left alone) and may throw an ApiError to refuse the change.
   */
  change(ref: AclRef, edit: (doc: Document) => boolean): Promise<{ changed: boolean; workers: WorkersReport }> {
    const run = this.queue.then(() => this.changeNow(ref, edit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async changeNow(ref: AclRef, edit: (doc: Document) => boolean): Promise<{ changed: boolean; workers: WorkersReport }> {
    const controller = ref.scope === 'proxy' ? findProxy(this.ctx, ref.name) : undefined;
    const file = controller?.file ?? this.ctx.globalFile();
    let expected: AclConfig | undefined;
    let reachedEdit = false;
    try {
      await editYamlSection(file, 'acl', (doc) => {
        reachedEdit = true;
        if (!edit(doc)) throw NO_CHANGE;
        expected = this.loadEdited(ref.scope, file, doc.toString());
      });
    } catch (error) {
      if (error === NO_CHANGE) return { changed: false, workers: this.workers(ref.scope, this.targets(controller), this.running(controller)) };
      if (error instanceof ApiError) throw error;
      if (!reachedEdit) throw new ApiError('ERR_ACL_FILE_INVALID', `cannot edit ${file}: ${(error as Error).message}`);
      throw error;
    }
    if (ref.scope === 'global') await this.ctx.reloadGlobal();
    else await this.ctx.reload();
    const targets = this.targets(controller);
    await Promise.all(targets.map((c) => c.settled(SETTLE_MS)));
    return { changed: true, workers: this.workers(ref.scope, targets, expected!) };
  }

  /** The edited text must load like the file would; a file with errors of its own is refused. */
  private loadEdited(scope: AclScope, file: string, text: string): AclConfig {
    if (scope === 'global') {
      const parsed = parseGlobalConfig(text, file);
      if (parsed.config === undefined || parsed.issues.length > 0) fileProblem(file, parsed.issues);
      return parsed.config.acl;
    }
    const parsed = parseProxyConfig(text, file, this.ctx.global());
    if (parsed.config === undefined || parsed.issues.length > 0) fileProblem(file, parsed.issues);
    return parsed.config.acl;
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
