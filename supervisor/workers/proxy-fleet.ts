import path from 'node:path';
import type { GlobalConfig, ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { checkProxySet } from '../../shared/config/check-proxy-set.js';
import type { Logger } from '../logging/logger.js';
import type { ProxyFile } from '../config/proxy-directory.js';
import { ProxyController, type WorkerFactory } from './proxy-controller.js';
import { changedSections } from './config-changes.js';
import { SupervisorEvents } from '../events/supervisor-events.js';
import type { CommandMessage } from '../../shared/ipc/protocol.js';
import { NO_L7_LINK, type L7Link } from '../bans/l7-link.js';
import { NO_KERNEL_LINK, type KernelLink } from '../kernel-path/kernel-link.js';

export interface ReconcileReport {
  started: string[];
  reconfigured: string[];
  restarted: string[];
  stopped: string[];
  unchanged: string[];
  invalid: { file: string; issues: ConfigIssue[] }[];
}

/**
 * Every proxy file and its controller, keyed by absolute file path. `reconcile` brings the running
 * set in line with what is on disk: new files start, removed ones drain, changed ones are
 * reconfigured or restarted, and an invalid file never reaches its worker. Logging a file's
 * problems is the caller's (ConfigRejectionLog), so a file that stays broken is logged once.
 */
export class ProxyFleet {
  private readonly controllers = new Map<string, ProxyController>();
  /** Controllers whose file is gone but whose worker may still be draining. */
  private readonly removed = new Set<ProxyController>();

  constructor(
    private readonly logger: Logger,
    private readonly forkWorker?: WorkerFactory,
    readonly events: SupervisorEvents = new SupervisorEvents(),
    private readonly l7: L7Link = NO_L7_LINK,
    private readonly kernel: KernelLink = NO_KERNEL_LINK,
  ) {}

  list(): ProxyController[] {
    return [...this.controllers.values()];
  }

  byName(name: string): ProxyController | undefined {
    return this.list().find((c) => c.name === name);
  }

  byFile(file: string): ProxyController | undefined {
    return this.controllers.get(path.resolve(file));
  }

  /**
   * `global` is the current global config: a proxy whose file is now invalid keeps its last
   * good config, but still follows the global ACL and network settings, which it does not own.
   */
  async reconcile(files: ProxyFile[], global?: GlobalConfig): Promise<ReconcileReport> {
    const report: ReconcileReport = { started: [], reconfigured: [], restarted: [], stopped: [], unchanged: [], invalid: [] };
    const present = new Set(files.map((f) => f.file));
    const stops: Promise<void>[] = [];
    for (const [file, controller] of this.controllers) {
      if (present.has(file)) continue;
      this.controllers.delete(file);
      if (controller.name !== undefined) report.stopped.push(controller.name);
      this.logger.info('proxy file removed, stopping', { proxy: controller.displayName, file });
      this.removed.add(controller);
      stops.push(controller.stop('drain'));
      void controller.allExited().then(() => this.removed.delete(controller));
    }
    const issuesByFile = this.crossFileIssues(files);
    const applies: { file: ProxyFile; config: ProxyConfig; controller: ProxyController }[] = [];
    for (const file of files) {
      const controller = this.controllerFor(file.file);
      const issues = [...file.issues, ...(issuesByFile.get(file.file) ?? [])];
      if (issues.length > 0 || file.config === undefined) {
        controller.markInvalid(issues);
        report.invalid.push({ file: file.file, issues });
        this.events.publish({ type: 'config.rejected', proxy: controller.displayName, file: file.file, errors: issues.map((i) => ({ path: i.path, message: i.message })) });
        const kept = controller.config;
        if (global !== undefined && kept !== null && kept.enabled && controller.state !== 'disabled') {
          applies.push({ file, config: { ...kept, globalAcl: global.acl, network: global.network }, controller });
        }
        continue;
      }
      controller.configIssues = [];
      if (!file.config.enabled) {
        if (controller.state !== 'disabled') {
          report.stopped.push(file.config.name);
          stops.push(controller.stop('now', 'disabled'));
        }
        controller.config = file.config;
        continue;
      }
      applies.push({ file, config: file.config, controller });
    }
    // Stopped proxies release ports that a started or moved proxy may now need.
    await Promise.all(stops);
    await Promise.all(
      applies.map(async ({ config, controller }) => {
        const previous = controller.config;
        const outcome = await controller.apply(config);
        report[outcome].push(config.name);
        if (outcome === 'unchanged') return;
        const changes = previous !== null && outcome !== 'started' ? { changes: changedSections(previous, config) } : {};
        this.logger.info('proxy config applied', { proxy: config.name, outcome, ...changes });
      }),
    );
    return report;
  }

  /** A command to every worker process, draining ones included (a ban must close their connections too). */
  broadcast(message: CommandMessage): void {
    for (const controller of [...this.controllers.values(), ...this.removed]) controller.commandAll(message);
  }

  /** Drains every proxy and resolves once every worker process has exited. */
  async stopAll(): Promise<void> {
    const controllers = [...this.list(), ...this.removed];
    await Promise.all(controllers.map((c) => c.stop('drain')));
    await Promise.all(controllers.map((c) => c.allExited()));
  }

  private controllerFor(file: string): ProxyController {
    let controller = this.controllers.get(file);
    if (controller === undefined) {
      controller = new ProxyController(file, this.logger, this.forkWorker, this.events, this.l7, this.kernel);
      this.controllers.set(file, controller);
    }
    return controller;
  }

  /**
   * Duplicate names and colliding listeners across files. Proxies already running come first,
   * so a new or edited file that collides with one of them is the one rejected. A proxy that
   * keeps running an older config (its file is now invalid) still occupies its ports.
   */
  private crossFileIssues(files: ProxyFile[]): Map<string, ConfigIssue[]> {
    const entries: { file: string; config: ProxyConfig; running: boolean }[] = [];
    for (const file of files) {
      const controller = this.controllers.get(file.file);
      const running = controller?.config != null && controller.state !== 'disabled' && controller.state !== 'invalid';
      const config = file.config !== undefined && file.issues.length === 0 ? file.config : running ? controller!.config! : undefined;
      if (config === undefined) continue;
      entries.push({ file: file.file, config: config.enabled ? config : { ...config, listeners: [] }, running });
    }
    entries.sort((a, b) => Number(b.running) - Number(a.running));
    const byFile = new Map<string, ConfigIssue[]>();
    for (const issue of checkProxySet(entries)) {
      const list = byFile.get(issue.file) ?? [];
      list.push(issue);
      byFile.set(issue.file, list);
    }
    return byFile;
  }
}
