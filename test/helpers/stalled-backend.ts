import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { waitFor } from './wait-for.js';

/**
 * A TCP port whose accept queue is full: the listener never accepts and its backlog is taken,
 * so the kernel drops further SYNs and a connect to it hangs (what a dead host looks like).
 * Node always accepts, so a python3 child holds the listening socket.
 */
export interface StalledBackend {
  port: number;
  close(): Promise<void>;
}

const SCRIPT = `
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
time.sleep(120)
`;

export async function startStalledBackend(): Promise<StalledBackend> {
  const child: ChildProcess = spawn('python3', ['-c', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  const port = await waitFor('the stalled listener', () => (out.includes('\n') ? Number(out.trim()) : undefined));
  // Fill the accept queue; these sockets are never accepted.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
