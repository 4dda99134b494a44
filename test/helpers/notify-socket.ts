import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';
import { missingTool } from './system-tools.js';

const RECORDER = fileURLToPath(new URL('../../../test/helpers/notify-recorder.py', import.meta.url));

export interface NotifyRecord {
  at: number;
  message: string;
  pid: number | null;
  /** For READY=1: each probe target → true, or the error the probe met. */
  probes?: Record<string, true | string>;
}

/** Why the systemd notify tests cannot run here, or false when they can. */
export function notifyToolsMissing(): string | false {
  return missingTool('python3', 'python3') || missingTool('systemd-notify', 'systemd');
}

/**
 * A stand-in for systemd's notify socket (see notify-recorder.py): pass `path` as NOTIFY_SOCKET
 * and read what the service sent from `records`.
 */
export class NotifySocket {
  readonly records: NotifyRecord[] = [];
  private stderr = '';

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') this.records.push(JSON.parse(line) as NotifyRecord);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** `probes`: URLs (http://...) and host:port targets to probe the moment READY=1 arrives. */
  static async open(probes: string[] = []): Promise<NotifySocket> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-notify-'));
    const socketPath = path.join(dir, 'notify.sock');
    const args = [RECORDER, socketPath, ...probes.flatMap((p) => (p.startsWith('http') ? ['--probe-http', p] : ['--probe-tcp', p]))];
    const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const socket = new NotifySocket(socketPath, dir, child);
    await waitFor('the notify socket to be bound', () => {
      if (socket.stderr !== '') throw new Error(socket.stderr);
      return socket.records.length > 0;
    }, { timeoutMs: 5000 });
    socket.records.length = 0;
    return socket;
  }

  waitForMessage(assignment: string, timeoutMs = 15_000): Promise<NotifyRecord> {
    return waitFor(`a notify message with ${assignment}`, () => this.records.find((r) => r.message.split('\n').includes(assignment)), { timeoutMs });
  }

  close(): void {
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
