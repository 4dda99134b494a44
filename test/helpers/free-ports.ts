import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Proxy listeners need a port number in their YAML, so tests pick ports that are free for both
 * TCP and UDP right now, outside the kernel's ephemeral range (where outgoing connections take
 * their source ports and would collide later).
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return [low!, high!];
  } catch {
    return [32768, 60999];
  }
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/** `count` consecutive ports, free for TCP and UDP on 127.0.0.1. */
export async function freePortRange(count: number): Promise<number[]> {
  const [ephemeralLow, ephemeralHigh] = ephemeralRange();
  const low = ephemeralLow > 12000 ? 10000 : ephemeralHigh + 1;
  const high = ephemeralLow > 12000 ? ephemeralLow - count - 1 : 65535 - count;
  for (let attempt = 0; attempt < 200; attempt++) {
    const start = low + Math.floor(Math.random() * (high - low));
    const ports = Array.from({ length: count }, (_, i) => start + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    let ok = true;
    for (const port of ports) {
      if (!(await tcpFree(port)) || !(await udpFree(port))) {
        ok = false;
        break;
      }
    }
    if (ok) {
      for (const port of ports) handedOut.add(port);
      return ports;
    }
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export async function freePort(): Promise<number> {
  return (await freePortRange(1))[0]!;
}
