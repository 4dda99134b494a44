// Three network namespaces for the kernel-forwarding tests: a client (`cli`), the proxy box (`prx`,
// where the real supervisor runs with RouteX's nftables table) and the backends (`bk`, two
// addresses), plus a link from `prx` to the test process for the API. Clients and backends are
// the fixtures kernel-client.ts and kernel-backend.ts, run inside their namespace.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY, SupervisorProcess } from './supervisor-process.js';
import { NetnsLab, netnsUnavailable } from './netns.js';
import { missingTool } from './system-tools.js';
import { waitFor } from './wait-for.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const BACKEND = path.join(FIXTURES, 'kernel-backend.js');
const CLIENT = path.join(FIXTURES, 'kernel-client.js');

export class KernelLab {
  private readonly backends = new Map<string, ChildProcess>();

  private constructor(
    readonly lab: NetnsLab,
    /** The backends' two addresses. */
    readonly backendIps: [string, string],
  ) {}

  static async create(): Promise<KernelLab> {
    const lab = await NetnsLab.create({ prefix: 'rxk', namespaces: ['prx', 'cli', 'bk'], links: [['prx', 'cli'], ['prx', 'bk'], ['prx', 'host']] });
    try {
      const first = lab.ip('bk', 'prx');
      const second = first.replace(/\.\d+$/, '.3');
      const added = await lab.exec('bk', 'ip', ['addr', 'add', `${second}/24`, 'dev', lab.endpoint('bk', 'prx').dev]);
      if (added.exitCode !== 0) throw new Error(`second backend address: ${added.stderr}`);
      return new KernelLab(lab, [first, second]);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
  }

  /** The proxy box's address as the client sees it (where kernel-mode proxies listen). */
  get proxyIp(): string {
    return this.lab.ip('prx', 'cli');
  }

  /** Starts (or restarts) the backend on `ip`, serving `ports`. */
  async startBackend(ip: string, ports: number[]): Promise<void> {
    this.stopBackend(ip);
    const child = this.lab.spawn('bk', process.execPath, [BACKEND, JSON.stringify({ ip, ports })]);
    this.backends.set(ip, child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`backend ${ip} exited (${code})`)));
    });
  }

  /** Starts both backends, each serving `ports`. */
  async startBackends(ports: number[]): Promise<void> {
    for (const ip of this.backendIps) await this.startBackend(ip, ports);
  }

  stopBackend(ip: string): void {
    this.backends.get(ip)?.kill('SIGKILL');
    this.backends.delete(ip);
  }

  /** Runs a kernel-client.ts mode inside the client namespace and returns its JSON answer. */
  async client<T = any>(mode: string, options: Record<string, unknown>): Promise<T> {
    const result = await this.lab.exec('cli', process.execPath, [CLIENT, mode, JSON.stringify(options)], { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`client ${mode} failed (${result.exitCode}): ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
  }

  /** One TCP connect from the client namespace to the proxy box: connected, refused or timeout. */
  async connect(port: number, timeoutMs = 700): Promise<string> {
    return (await this.client<{ outcome: string }>('connect', { host: this.proxyIp, port, timeoutMs })).outcome;
  }

  /** A long-running client mode; its JSON lines arrive through `onLine`. */
  spawnClient(mode: string, options: Record<string, unknown>, onLine: (line: any) => void): ChildProcess {
    const child = this.lab.spawn('cli', process.execPath, [CLIENT, mode, JSON.stringify(options)]);
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') onLine(JSON.parse(line));
    });
    return child;
  }

  /**
   * A `session` (UDP) or `tcp-session` client sending every 50 ms for `forMs`; its lines collect in
   * the returned array as they come, and the test's end kills it.
   */
  session(t: { after(fn: () => unknown): void }, mode: 'session' | 'tcp-session', port: number, forMs = 15_000): SessionLine[] {
    const lines: SessionLine[] = [];
    const child = this.spawnClient(mode, { host: this.proxyIp, port, everyMs: 50, forMs }, (line: SessionLine) => lines.push(line));
    t.after(() => child.kill());
    return lines;
  }

  /** `nft` inside the proxy box. */
  async nft(args: string[]): Promise<string> {
    const result = await this.lab.exec('prx', 'nft', args);
    if (result.exitCode !== 0) throw new Error(`nft ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  /** RouteX's table as `nft -j` lists it, or null when there is none. */
  async table(): Promise<{ nftables: any[] } | null> {
    const result = await this.lab.exec('prx', 'nft', ['-j', 'list', 'table', 'inet', 'routex']);
    return result.exitCode === 0 ? (JSON.parse(result.stdout) as { nftables: any[] }) : null;
  }

  /** The number RouteX gave proxy `name` in its table (its objects are `p<N>_...`), from the admit chain's comment. */
  async proxyId(name: string): Promise<number> {
    const text = await this.nft(['list', 'table', 'inet', 'routex']);
    const match = new RegExp(`chain p(\\d+)_admit \\{\\s*comment "proxy=${name} `).exec(text);
    if (match === null) throw new Error(`no admit chain of proxy ${name} in:\n${text}`);
    return Number(match[1]);
  }

  /** The elements of one set or map of RouteX's table, with their counters. */
  async elements(kind: 'set' | 'map', name: string): Promise<{ key: unknown; packets: number }[]> {
    const listed = JSON.parse(await this.nft(['-j', 'list', kind, 'inet', 'routex', name])) as { nftables: any[] };
    const set = listed.nftables.find((item) => item.set ?? item.map);
    return ((set?.set ?? set?.map)?.elem ?? []).map((raw: any) => {
      const key = Array.isArray(raw) ? raw[0] : raw;
      return { key: key?.elem?.val ?? key, packets: key?.elem?.counter?.packets ?? 0 };
    });
  }

  /** The real supervisor in the proxy box, its API on the link to the test process; `globalExtra` is appended to its global.yaml. */
  startSupervisor(proxies: Record<string, string>, waitForRunning: string[] = [], globalExtra?: string): Promise<SupervisorProcess> {
    const apiHost = this.lab.ip('prx', 'host');
    return SupervisorProcess.start({ command: this.lab.command('prx'), apiHost, proxies, waitForRunning, globalExtra });
  }

  destroy(): Promise<void> {
    for (const ip of [...this.backends.keys()]) this.stopBackend(ip);
    return this.lab.destroy();
  }
}

/** A line of a session client: a reply (`upstream` for UDP, `echoed` bytes for TCP) or, last, how it ended. */
export interface SessionLine {
  at: number;
  upstream?: string;
  echoed?: number;
  closed?: boolean;
  error?: string | null;
}

/** The replies among a session's lines. */
/** Why the kernel-path netns tests cannot run here (namespaces, nft, conntrack), or false. */
export function kernelLabUnavailable(): string | false {
  return netnsUnavailable() || missingTool('nft', 'nftables') || missingTool('conntrack', 'conntrack');
}

export function repliesOf(lines: SessionLine[]): SessionLine[] {
  return lines.filter((line) => line.echoed !== undefined || line.upstream !== undefined);
}

/** A kernel-mode proxy file: `fields` are YAML lines after the common ones. */
export function kernelProxyYaml(name: string, fields: Record<string, string | number | boolean>, extra = ''): string {
  const lines = [`name: "${name}"`, 'data_path: "kernel"', ...Object.entries(fields).map(([key, value]) => `${key}: ${typeof value === 'string' ? `"${value}"` : value}`)];
  return `${lines.join('\n')}\n${extra}`;
}

/** Polls the API until the proxy's stats satisfy `check`. */
export function waitForStats(supervisor: SupervisorProcess, name: string, what: string, check: (stats: any) => boolean, timeoutMs = 10_000): Promise<any> {
  return waitFor(`${name}: ${what}`, async () => {
    const response = await supervisor.api('GET', `/api/stats/proxy/${name}`, { key: ADMIN_KEY });
    return response.status === 200 && check(response.body) ? response.body : undefined;
  }, { timeoutMs, intervalMs: 200 });
}
