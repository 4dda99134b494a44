// A real redis-server (Debian's), started by a test on a loopback port in a temp dir, with no
// persistence unless the test asks to save on stop. `stop` + `start` on the same port and dir is
// how a test takes Redis away and brings it back.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-ports.js';
import { missingTool } from './system-tools.js';
import { waitFor } from './wait-for.js';

/** Why the Redis tests cannot run here; under CI=true a missing redis-server fails instead of skipping. */
export function redisMissing(): string | false {
  const reason = missingTool('redis-server', 'redis-server');
  if (reason && process.env.CI === 'true') throw new Error(`${reason}: CI must install it (.ci/run)`);
  return reason;
}

export interface RedisServerOptions {
  port?: number;
  dir?: string;
  /** Extra `--name value` arguments (TLS, requirepass, …). */
  args?: string[];
}

/** One RESP command over a plain socket, for tests that must not load a Redis client. */
function rawCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('no reply')));
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

export class RedisServer {
  output = '';
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    private readonly child: ChildProcess,
    private readonly ownsDir: boolean,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exit.then(() => (this.exited = true));
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const port = options.port ?? (await freePort());
    const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'routex-redis-'));
    return RedisServer.launch(port, dir, options.args ?? [], options.dir === undefined);
  }

  private static async launch(port: number, dir: string, args: string[], ownsDir: boolean): Promise<RedisServer> {
    mkdirSync(dir, { recursive: true });
    const tlsOnly = args.includes('--tls-port');
    const child = spawn('redis-server', ['--port', tlsOnly ? '0' : String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb', ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new RedisServer(port, dir, args, child, ownsDir);
    try {
      await waitFor('redis-server to accept connections', () => {
        if (server.exited) throw new Error(`redis-server exited: ${server.output}`);
        return server.output.includes('Ready to accept connections');
      }, { timeoutMs: 5000 });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Sends a command without a client library (plain server only); resolves with the raw reply. */
  command(...args: string[]): Promise<string> {
    return rawCommand(this.port, args);
  }

  /** Stops the server; with `save`, it writes its data to `dir` first, so `restart` finds it. */
  async stop({ save = false, keepDir = false } = {}): Promise<void> {
    if (!this.exited) {
      if (save) await this.command('SHUTDOWN', 'SAVE').catch(() => undefined);
      if (!this.exited) this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exit;
      clearTimeout(timer);
    }
    if (this.ownsDir && !keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** A new server on the same port and dir (and so the same data, if it was saved). */
  restart(): Promise<RedisServer> {
    return RedisServer.launch(this.port, this.dir, this.args, this.ownsDir);
  }
}
