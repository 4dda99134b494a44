import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { chownSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-ports.js';
import { waitFor } from './wait-for.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO_ROOT, 'dist/supervisor/cli.js');

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const READ_KEY = 'test-read-key-0123456789';
export const METRICS_KEY = 'test-metrics-key-0123456789';
export const PROXIES_KEY = 'test-proxies-key-0123456789';

export interface SupervisorOptions {
  /** Extra top-level YAML appended to the generated global.yaml (e.g. a `defaults:` block). */
  globalExtra?: string;
  /** Replaces the whole generated global.yaml; `{{API_PORT}}` is substituted. */
  globalYaml?: string;
  /** file name → YAML text, written before start. */
  proxies?: Record<string, string>;
  /** Proxy names to wait for until they are running (default: none beyond the API being up). */
  waitForRunning?: string[];
  /** Environment additions (e.g. NOTIFY_SOCKET). NOTIFY_SOCKET is never inherited from the test runner. */
  env?: Record<string, string>;
  /** The API port to use (default: a free one picked here). */
  apiPort?: number;
  /** The API serves HTTPS (api.tls): readiness is polled over TLS, without verifying the cert. */
  https?: boolean;
  /** A folder of an earlier run (global.yaml + proxies/), used as it is: nothing is written. See `restart`. */
  dir?: string;
  /**
   * Runs it as systemd would with its output to journald: stdout and stderr one stream (the pipe
   * this test reads), JOURNAL_STREAM naming that stream's device:inode. `logs` strips the "<N>".
   */
  journal?: boolean;
  /**
   * A command prefix the supervisor runs under, e.g. `lab.command('srv')` to run it inside a
   * network namespace (test/helpers/netns.ts), optionally followed by `setpriv ...`.
   */
  command?: string[];
  /** Where the API binds and the test reaches it (default 127.0.0.1), e.g. a namespace's address. */
  apiHost?: string;
  /** Hands the temp folder and its files to this uid/gid, for a supervisor run as another user. */
  owner?: number;
}

/** `sh` finds the device:inode of its own stdout (the test's pipe) and hands it over as JOURNAL_STREAM. */
const JOURNAL_LAUNCHER = 'exec 2>&1; JOURNAL_STREAM=$(stat -L -c %d:%i /proc/$$/fd/1); export JOURNAL_STREAM; exec "$@"';

function httpsStatus(host: string, port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get({ host, port, path: urlPath, rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

function defaultGlobalYaml(apiPort: number, extra = '', apiHost = '127.0.0.1'): string {
  return `api:
  enabled: true
  bind: "${apiHost}:${apiPort}"
  api_keys:
    - key: "${ADMIN_KEY}"
      label: "admin"
      permissions: ["*"]
    - key: "${READ_KEY}"
      label: "dashboard"
      permissions: ["proxies:read", "metrics:read"]
    - key: "${METRICS_KEY}"
      label: "prometheus"
      permissions: ["metrics:read"]
    - key: "${PROXIES_KEY}"
      label: "inventory"
      permissions: ["proxies:read"]
metrics:
  enabled: false
iptables:
  enabled: false
logging:
  level: "debug"
  format: "json"
  output: "stdout"
${extra}`;
}

/** The real supervisor as a child process, with a temp config folder and a random API port. */
export class SupervisorProcess {
  readonly logLines: string[] = [];
  stderr = '';
  exitCode: number | null = null;
  /** Set by `restart`: the folder now belongs to the next supervisor. */
  private handedOver = false;
  private exited: Promise<number | null>;

  private constructor(
    readonly dir: string,
    readonly globalFile: string,
    readonly proxiesDir: string,
    readonly apiPort: number,
    readonly child: ChildProcess,
    private readonly launch: Pick<SupervisorOptions, 'command' | 'apiHost'> = {},
  ) {
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      this.logLines.push(...lines.filter((l) => l.trim() !== ''));
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  static async start(options: SupervisorOptions = {}): Promise<SupervisorProcess> {
    const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'routex-e2e-'));
    const proxiesDir = path.join(dir, 'proxies');
    const apiPort = options.apiPort ?? (await freePort());
    const globalFile = path.join(dir, 'global.yaml');
    if (options.dir === undefined) {
      mkdirSync(proxiesDir);
      const globalText = options.globalYaml?.replaceAll('{{API_PORT}}', String(apiPort)) ?? defaultGlobalYaml(apiPort, options.globalExtra, options.apiHost);
      writeFileSync(globalFile, globalText);
      for (const [file, yaml] of Object.entries(options.proxies ?? {})) writeFileSync(path.join(proxiesDir, file), yaml);
      if (options.owner !== undefined) {
        for (const entry of [dir, globalFile, proxiesDir, ...Object.keys(options.proxies ?? {}).map((file) => path.join(proxiesDir, file))]) chownSync(entry, options.owner, options.owner);
      }
    }
    const env = { ...process.env, ...options.env };
    if (options.env?.['NOTIFY_SOCKET'] === undefined) delete env['NOTIFY_SOCKET'];
    const command = [...(options.command ?? []), process.execPath, CLI, '--config', globalFile, '--proxies', proxiesDir];
    if (options.journal) command.unshift('/bin/sh', '-c', JOURNAL_LAUNCHER, 'sh');
    const child = spawn(command[0]!, command.slice(1), {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const supervisor = new SupervisorProcess(dir, globalFile, proxiesDir, apiPort, child, { command: options.command, apiHost: options.apiHost });
    try {
      await waitFor('the API to answer /api/health', async () => {
        if (supervisor.exitCode !== null) throw new Error(`supervisor exited with ${supervisor.exitCode}: ${supervisor.stderr}`);
        const status = options.https ? await httpsStatus(options.apiHost ?? '127.0.0.1', apiPort, '/api/health') : (await supervisor.api('GET', '/api/health')).status;
        return status === 200;
      }, { timeoutMs: 15_000 });
      for (const name of options.waitForRunning ?? []) await supervisor.waitForState(name, 'running');
    } catch (error) {
      await supervisor.stop('SIGKILL');
      throw new Error(`${(error as Error).message}\nstderr: ${supervisor.stderr}\nlog:\n${supervisor.logLines.slice(-30).join('\n')}`);
    }
    return supervisor;
  }

  /** host:port of the API, IPv6 in brackets. */
  get apiAddress(): string {
    const host = this.launch.apiHost ?? '127.0.0.1';
    return `${host.includes(':') ? `[${host}]` : host}:${this.apiPort}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Structured log records (the test config logs JSON to stdout), without a journald "<N>" prefix. */
  get logs(): Record<string, unknown>[] {
    return this.logLines.flatMap((line) => {
      try {
        return [JSON.parse(line.replace(/^<[0-7]>/, '')) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async api<T = any>(method: string, urlPath: string, options: { key?: string; body?: unknown; rawBody?: string; contentType?: string } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers['x-api-key'] = options.key;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`http://${this.apiAddress}${urlPath}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  async proxies(): Promise<any[]> {
    const response = await this.api('GET', '/api/proxies', { key: ADMIN_KEY });
    if (response.status !== 200) throw new Error(`GET /api/proxies answered ${response.status}: ${response.text}`);
    return response.body as any[];
  }

  async proxy(name: string): Promise<any | undefined> {
    return (await this.proxies()).find((p) => p.name === name);
  }

  async waitForState(name: string, state: string, timeoutMs = 10_000): Promise<any> {
    return waitFor(`proxy ${name} to be ${state}`, async () => {
      const proxy = await this.proxy(name);
      return proxy?.state === state ? proxy : undefined;
    }, { timeoutMs });
  }

  /** Waits until `check` holds for the proxy's API view. */
  async waitForProxy(name: string, what: string, check: (proxy: any) => boolean, timeoutMs = 10_000): Promise<any> {
    return waitFor(`proxy ${name}: ${what}`, async () => {
      const proxy = await this.proxy(name);
      return proxy !== undefined && check(proxy) ? proxy : undefined;
    }, { timeoutMs });
  }

  /** Writes a proxy file the way an editor's atomic save does (temp file + rename). */
  writeProxy(file: string, yaml: string): void {
    const target = path.join(this.proxiesDir, file);
    const temp = path.join(this.dir, `.${file}.tmp`);
    writeFileSync(temp, yaml);
    renameSync(temp, target);
  }

  removeProxy(file: string): void {
    unlinkSync(path.join(this.proxiesDir, file));
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  waitForExit(timeoutMs = 15_000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`supervisor still running after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  /** Stops the supervisor (SIGTERM by default), waits for it, and removes the temp folder. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.exitCode === null) {
      this.child.kill(signal);
      try {
        await this.waitForExit(timeoutMs);
      } catch {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    if (!this.handedOver) rmSync(this.dir, { recursive: true, force: true });
    return this.exitCode;
  }

  /**
   * Stops this supervisor (SIGTERM, or `signal`: SIGKILL plays a crash) and starts a new one on the
   * same files and API port, as an operator's restart would. The folder then belongs to the new
   * supervisor (its `stop` removes it).
   */
  async restart(options: Pick<SupervisorOptions, 'waitForRunning'> & { signal?: NodeJS.Signals } = {}): Promise<SupervisorProcess> {
    this.handedOver = true;
    await this.stop(options.signal);
    return SupervisorProcess.start({ ...this.launch, waitForRunning: options.waitForRunning, dir: this.dir, apiPort: this.apiPort });
  }
}
