import net from 'node:net';

export type ProbeResult = { ok: true; latencyMs: number } | { ok: false; error: string };

/** What a probe writes once connected (a PROXY header), built from its own socket. */
export type ProbeGreeting = (socket: net.Socket) => Buffer;

/**
 * One active health probe: a TCP connect with a timeout. Without a greeting the socket is closed
 * at once; with one (a PROXY header the backend expects on every connection) it is written first,
 * and the probe passes once the bytes are handed to the kernel (closing then sends them and a FIN). Every path
 * destroys the socket and clears the timer, so probes cannot leak descriptors.
 */
export function tcpProbe(ip: string, port: number, timeoutMs: number, greeting: ProbeGreeting | null = null): Promise<ProbeResult> {
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
    socket.once('connect', () => {
      const passed: ProbeResult = { ok: true, latencyMs: Math.round((performance.now() - startedAt) * 100) / 100 };
      if (greeting === null) finish(passed);
      else socket.write(greeting(socket), (error) => finish(error ? { ok: false, error: error.message } : passed));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, error: error.code ?? error.message }));
  });
}
