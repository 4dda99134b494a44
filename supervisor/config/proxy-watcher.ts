import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import { isProxyFileName } from './proxy-directory.js';

const DEBOUNCE_MS = 200;

/**
 * Watches the proxies folder (not recursive) and calls `onChange` once things have been quiet
 * for 200 ms, so an editor's save-by-rename or a burst of `sed -i` collapses into one reload.
 * What changed is worked out by the caller, by comparing contents, not from the events.
 */
export class ProxyWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Where symlinked proxy files really are: an edit there is an edit of the proxy file. */
  private targets = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly onChange: () => void,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    // Links are watched as links (a broken one is an event too); their targets via followTargets().
    const watcher = watch(this.dir, { ignoreInitial: true, depth: 0, persistent: true, followSymlinks: false });
    this.watcher = watcher;
    watcher.on('all', (_event, file) => {
      if (isProxyFileName(path.basename(file)) || this.targets.has(path.resolve(file))) this.schedule();
    });
    // chokidar reports no event for a symlink whose target is missing; the folder's raw events
    // still name it, so a broken link is listed (as invalid) like any other file.
    watcher.on('raw', (_event, file) => {
      if (typeof file === 'string' && isProxyFileName(path.basename(file))) this.schedule();
    });
    // An entry the watcher cannot stat (a symlink loop, say) must not end the supervisor: the
    // reload that follows lists that file as invalid with its reason.
    watcher.on('error', (error) => {
      this.onError(error as Error);
      this.schedule();
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  /** Watches these files too (the targets of symlinked proxy files), and no longer the others. */
  followTargets(paths: readonly string[]): void {
    const next = new Set(paths);
    const added = paths.filter((p) => !this.targets.has(p));
    const dropped = [...this.targets].filter((p) => !next.has(p));
    this.targets = next;
    if (added.length > 0) this.watcher?.add(added);
    if (dropped.length > 0) this.watcher?.unwatch(dropped);
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.watcher?.close();
    this.watcher = null;
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, DEBOUNCE_MS);
  }
}
