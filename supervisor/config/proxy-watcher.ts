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

  constructor(
    private readonly dir: string,
    private readonly onChange: () => void,
  ) {}

  async start(): Promise<void> {
    const watcher = watch(this.dir, { ignoreInitial: true, depth: 0, persistent: true });
    this.watcher = watcher;
    watcher.on('all', (_event, file) => {
      if (isProxyFileName(path.basename(file))) this.schedule();
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
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
