import net from 'node:net';

export type ProbeResult = { ok: true; latencyMs: number } | { ok: false; error: string };

/**
 * One active health probe: a plain TCP connect with a timeout, closed at once. Every path
 * destroys the socket and clears the timer, so probes cannot leak descriptors.
 */
export function tcpProbe(ip: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const socket = net.connect({ host: ip, port });
    const finish = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `timeout after ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => finish({ ok: true, latencyMs: Math.round((performance.now() - startedAt) * 100) / 100 }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, error: error.code ?? error.message }));
  });
}
