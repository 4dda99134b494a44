// A client to run inside a network namespace (`lab.exec(ns, process.execPath, [TRAFFIC_CLIENT, JSON])`),
// for traffic that must come from another address than the test process's. Prints one JSON line.
//   {"mode":"tcp-parallel","host","port","count","waitMs"} → {"connected","echoed"}: opens `count`
//     connections at once, counts those that connect and echo within waitMs, keeps all open till then.
//   {"mode":"udp-burst","host","port","count","perTick","tickMs"} → {"sent","elapsedMs"}
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TRAFFIC_CLIENT = fileURLToPath(import.meta.url);

interface TcpParallel {
  mode: 'tcp-parallel';
  host: string;
  port: number;
  count: number;
  waitMs: number;
}

interface UdpBurst {
  mode: 'udp-burst';
  host: string;
  port: number;
  count: number;
  perTick: number;
  tickMs: number;
}

async function tcpParallel(o: TcpParallel): Promise<object> {
  let connected = 0;
  let echoed = 0;
  const sockets = Array.from({ length: o.count }, () => {
    const socket = net.connect({ host: o.host, port: o.port });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      connected++;
      socket.write('ping');
    });
    socket.once('data', () => echoed++);
    return socket;
  });
  await new Promise((resolve) => setTimeout(resolve, o.waitMs));
  for (const socket of sockets) socket.destroy();
  return { connected, echoed };
}

async function udpBurst(o: UdpBurst): Promise<object> {
  const socket = dgram.createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
  const payload = Buffer.alloc(32, 1);
  const started = Date.now();
  let sent = 0;
  while (sent < o.count) {
    for (let i = 0; i < o.perTick && sent < o.count; i++, sent++) socket.send(payload, o.port, o.host);
    await new Promise((resolve) => setTimeout(resolve, o.tickMs));
  }
  const elapsedMs = Date.now() - started;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return { sent, elapsedMs };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === TRAFFIC_CLIENT) {
  const options = JSON.parse(process.argv[2] ?? '{}') as TcpParallel | UdpBurst;
  const result = options.mode === 'tcp-parallel' ? await tcpParallel(options) : await udpBurst(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
