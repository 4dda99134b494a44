import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { encodeUnconnectedPing, parseUnconnectedPong, type Pong } from './raknet-ping.js';

/** The GUID the proxy pings backends with. */
const PROXY_GUID = randomBytes(8).readBigUInt64BE(0);

/**
 * Sends one unconnected ping to a Bedrock backend and returns its pong, or null when none comes
 * back within `timeoutMs` (the backend is down, or not a RakNet server). `header`: a PROXY header
 * in front of the ping, for a backend that expects one.
 */
export function fetchBedrockPong(ip: string, port: number, timeoutMs: number, header: Buffer | null = null): Promise<Pong | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIPv6(ip) ? 'udp6' : 'udp4');
    const time = BigInt(Date.now());
    const finish = (pong: Pong | null): void => {
      clearTimeout(timer);
      socket.close();
      resolve(pong);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('error', () => finish(null));
    socket.on('message', (datagram) => {
      const pong = parseUnconnectedPong(datagram);
      if (pong !== undefined && pong.time === time) finish(pong);
    });
    const ping = encodeUnconnectedPing(time, PROXY_GUID);
    socket.connect(port, ip, () => socket.send(header === null ? ping : Buffer.concat([header, ping])));
  });
}
