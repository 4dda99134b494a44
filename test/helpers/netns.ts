// Network namespaces for tests that need a kernel of their own: iptables/nftables rules, packets
// from a second address, traffic that must not touch the host's firewall. Needs root and iproute2.
//
//   const lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv', 'cli'], links: [['srv', 'cli'], ['srv', 'host']] });
//   t.after(() => lab.destroy());
//   await lab.exec('srv', 'iptables', ['-S']);          // a command inside `srv`
//   lab.spawn('cli', 'hping3', [...]);                  // a long-running one, killed by destroy()
//   lab.ip('srv', 'host')                                // srv's address on its link to the test process
//
// Each link is a veth pair with a /24 of its own from 198.18.0.0/15 (RFC 2544, for tests): the
// first-named end is .1, the other .2. `host` is the test process's own namespace, so the test can
// talk to a server inside `srv` through `lab.ip('srv', 'host')` with no extra tooling.
//
// Names: namespaces `<prefix>-<pid>-<serial>-<name>`, veths `<prefix><pid36><serial36><link><a|b>`
// (≤ 15 characters, so `prefix` has at most 6). Pick a prefix of your own job so that parallel test
// runs never collide.
//
// Cleanup, always: `destroy()` kills what runs inside the namespaces and deletes them (register it
// with t.after right after create). If the test process dies without it (a crash, SIGKILL, a
// runner timeout), a detached watchdog that holds a pipe from this process sees the pipe close
// and does the same. Leftovers of a lab whose process and watchdog both died (a host reboot does
// not count: namespaces live in /run) are swept by the next `create` with the same prefix.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { execa } from 'execa';

export interface NetnsLabSpec {
  /** A short tag of the job (1-6 lowercase letters or digits), e.g. `rxipt`. */
  prefix: string;
  /** Logical names of the namespaces to create, e.g. `['srv', 'cli']`. `host` is reserved. */
  namespaces: string[];
  /** Veth pairs between two of them, or between one and `host` (the test's own namespace). */
  links: [string, string][];
}

export interface Endpoint {
  /** The namespace's real name, or null for the test's own namespace. */
  netns: string | null;
  dev: string;
  ip: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const HOST = 'host';
let serial = 0;
const IP_BINARY = spawnSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).stdout.trim() || 'ip';

/** Why namespaces cannot be made here, or false when they can. */
export function netnsUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'network-namespace tests need root';
  if (spawnSync('sh', ['-c', 'command -v ip']).status !== 0) return 'ip is not installed (apt-get install iproute2)';
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Shell lines that kill everything inside the namespaces, then delete them and the host-side veths. */
function cleanupScript(namespaces: string[], hostDevs: string[]): string {
  const lines = namespaces.map((ns) => `for p in $(ip netns pids ${ns} 2>/dev/null); do kill -9 "$p" 2>/dev/null; done; ip netns del ${ns} 2>/dev/null`);
  lines.push(...hostDevs.map((dev) => `ip link del ${dev} 2>/dev/null`));
  return `${lines.join('\n')}\ntrue\n`;
}

/** Removes namespaces of this prefix whose creating process is gone. */
function sweepStale(prefix: string): void {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const pattern = new RegExp(`^(${prefix}-(\\d+)-\\S+)`);
  const stale = listed
    .split('\n')
    .map((line) => pattern.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) !== process.pid && !isAlive(Number(m[2])))
    .map((m) => m[1]!);
  if (stale.length > 0) spawnSync('sh', ['-c', cleanupScript(stale, [])]);
}

function usedHostSubnets(): Set<string> {
  const out = spawnSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  return new Set([...out.matchAll(/inet (\d+\.\d+\.\d+)\.\d+\//g)].map((m) => m[1]!));
}

/** A /24 of 198.18.0.0/15 not in `taken`, as its first three octets. */
function pickSubnet(taken: Set<string>): string {
  for (;;) {
    const index = Math.floor(Math.random() * 512);
    const subnet = `198.${18 + (index >> 8)}.${index & 255}`;
    if (!taken.has(subnet)) {
      taken.add(subnet);
      return subnet;
    }
  }
}

export class NetnsLab {
  private readonly children = new Set<ChildProcess>();
  private destroyed = false;

  private constructor(
    private readonly names: Map<string, string>,
    private readonly endpoints: Map<string, Endpoint>,
    private readonly hostDevs: string[],
    private readonly watchdog: ChildProcess,
  ) {}

  static async create(spec: NetnsLabSpec): Promise<NetnsLab> {
    if (!/^[a-z0-9]{1,6}$/.test(spec.prefix)) throw new Error(`netns prefix "${spec.prefix}" must be 1-6 lowercase letters or digits`);
    sweepStale(spec.prefix);
    const id = serial++;
    const names = new Map(spec.namespaces.map((name) => [name, `${spec.prefix}-${process.pid}-${id}-${name}`]));
    const devBase = `${spec.prefix}${process.pid.toString(36)}${id.toString(36)}`;
    const hostDevs = spec.links.flatMap(([a, b], i) => [...(a === HOST ? [`${devBase}${i}a`] : []), ...(b === HOST ? [`${devBase}${i}b`] : [])]);
    // The watchdog exists before anything it must clean up.
    const watchdog = spawn('sh', ['-c', `cat >/dev/null\n${cleanupScript([...names.values()], hostDevs)}`], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.unref();
    (watchdog.stdin as unknown as { unref(): void }).unref();
    const endpoints = new Map<string, Endpoint>();
    const lab = new NetnsLab(names, endpoints, hostDevs, watchdog);
    try {
      const taken = usedHostSubnets();
      const script: string[] = ['set -e'];
      for (const netns of names.values()) script.push(`ip netns add ${netns}`, `ip -n ${netns} link set lo up`);
      spec.links.forEach(([a, b], i) => {
        const subnet = pickSubnet(taken);
        const ends = [a, b].map((side, k) => ({ side, dev: `${devBase}${i}${k === 0 ? 'a' : 'b'}`, ip: `${subnet}.${k + 1}`, netns: side === HOST ? null : names.get(side) }));
        script.push(`ip link add ${ends[0]!.dev} type veth peer name ${ends[1]!.dev}`);
        for (const end of ends) {
          if (end.netns === undefined) throw new Error(`link end "${end.side}" is not one of the lab's namespaces`);
          const inNs = end.netns === null ? '' : `-n ${end.netns} `;
          if (end.netns !== null) script.push(`ip link set ${end.dev} netns ${end.netns}`);
          script.push(`ip ${inNs}addr add ${end.ip}/24 dev ${end.dev}`, `ip ${inNs}link set ${end.dev} up`);
          const peer = end === ends[0] ? ends[1]! : ends[0]!;
          endpoints.set(`${end.side}>${peer.side}`, { netns: end.netns, dev: end.dev, ip: end.ip });
        }
      });
      const result = await execa('sh', ['-c', script.join('\n')], { reject: false });
      if (result.exitCode !== 0) throw new Error(`creating the network namespaces failed: ${result.stderr}`);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  /** The real name of a logical namespace. */
  netns(name: string): string {
    const real = this.names.get(name);
    if (real === undefined) throw new Error(`no namespace "${name}" in this lab`);
    return real;
  }

  /** `name`'s address on its link to `peer` (either may be `host`). */
  ip(name: string, peer: string): string {
    return this.endpoint(name, peer).ip;
  }

  endpoint(name: string, peer: string): Endpoint {
    const found = this.endpoints.get(`${name}>${peer}`);
    if (found === undefined) throw new Error(`no link between "${name}" and "${peer}" in this lab`);
    return found;
  }

  /** The command prefix that runs a program inside the namespace (`ip` by its full path, so any PATH works). */
  command(name: string): string[] {
    return [IP_BINARY, 'netns', 'exec', this.netns(name)];
  }

  /** Runs a program inside the namespace to completion; never throws on a non-zero exit. */
  async exec(name: string, file: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const [ip, ...prefix] = this.command(name);
    const result = await execa(ip!, [...prefix, file, ...args], { reject: false, input: options.input, timeout: options.timeoutMs ?? 30_000 });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  /** Starts a program inside the namespace; it is killed by `destroy()` if still running. */
  spawn(name: string, file: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const [ip, ...prefix] = this.command(name);
    const child = spawn(ip!, [...prefix, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Kills every process in the namespaces, deletes them and the host-side veths. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const child of this.children) child.kill('SIGKILL');
    await execa('sh', ['-c', cleanupScript([...this.names.values()], this.hostDevs)], { reject: false });
    // Done by hand: closing the pipe lets the watchdog run its (now empty-handed) cleanup and exit.
    this.watchdog.stdin?.end();
  }
}
