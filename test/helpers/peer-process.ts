// Real nginx and HAProxy, started by a test as its own child processes: config in a temp dir,
// ephemeral loopback ports, foreground, stopped and cleaned up by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { missingTool } from './system-tools.js';
import { waitFor } from './wait-for.js';

const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** Why nginx with its stream module cannot run here, or false. */
export function nginxMissing(): string | false {
  return missingTool('nginx', 'nginx') || (existsSync(NGINX_STREAM_MODULE) ? false : `nginx's stream module is not installed (apt-get install libnginx-mod-stream)`);
}

export function haproxyMissing(): string | false {
  return missingTool('haproxy', 'haproxy');
}

function accepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class PeerProcess {
  output = '';
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.once('exit', () => (this.exited = true));
  }

  /** Writes `config` to a temp dir, starts `command` with `args(configFile, dir)`, waits until every `listens` port accepts. */
  static async start(name: string, command: string, config: string, args: (configFile: string, dir: string) => string[], listens: { port: number; host: string }[]): Promise<PeerProcess> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `routex-${name}-`));
    const configFile = path.join(dir, `${name}.conf`);
    writeFileSync(configFile, config);
    const peer = new PeerProcess(name, spawn(command, args(configFile, dir), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }), dir);
    try {
      for (const { port, host } of listens) {
        await waitFor(`${name} to listen on ${host}:${port}`, () => {
          if (peer.exited) throw new Error(`${name} exited: ${peer.output}`);
          return accepts(port, host);
        });
      }
    } catch (error) {
      await peer.stop();
      throw error;
    }
    return peer;
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** nginx in the foreground, one process, with `stream` as its stream {} block. */
export function startNginx(stream: string, listens: { port: number; host: string }[]): Promise<PeerProcess> {
  const config = `load_module ${NGINX_STREAM_MODULE};
daemon off;
master_process off;
error_log stderr notice;
pid nginx.pid;
events { worker_connections 256; }
stream {
${stream}
}
`;
  return PeerProcess.start('nginx', 'nginx', config, (file, dir) => ['-e', 'stderr', '-p', dir, '-c', file], listens);
}

/** HAProxy in the foreground (-db) with `config`. */
export function startHaproxy(config: string, listens: { port: number; host: string }[]): Promise<PeerProcess> {
  return PeerProcess.start('haproxy', 'haproxy', config, (file) => ['-db', '-f', file], listens);
}
