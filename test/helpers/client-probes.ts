import dgram from 'node:dgram';
import { TcpClient } from './tcp-client.js';

/**
 * Connects from `localAddress` (any 127.x.y.z works on Linux loopback) and tells whether the
 * proxy served the connection (the backend's greeting arrived) or closed it unserved.
 */
export async function tcpOutcome(port: number, localAddress: string, greeting = '\n'): Promise<'served' | 'refused'> {
  let client: TcpClient;
  try {
    client = await TcpClient.connect(port, { localAddress });
  } catch {
    return 'refused';
  }
  try {
    await client.waitForText(greeting, 3000);
    return 'served';
  } catch (error) {
    if (client.closed) return 'refused';
    throw error;
  } finally {
    client.destroy();
  }
}

/** True when nothing listens on `port` any more (the connection attempt is refused). */
export function tcpRefused(port: number): Promise<boolean> {
  return TcpClient.connect(port).then(
    (client) => {
      client.destroy();
      return false;
    },
    () => true,
  );
}

/** A UDP client bound to `localAddress`, collecting replies. */
export class UdpProbe {
  readonly replies: string[] = [];

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (message) => this.replies.push(message.toString()));
  }

  static async bind(localAddress: string): Promise<UdpProbe> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, localAddress, () => resolve());
    });
    return new UdpProbe(socket);
  }

  send(port: number, text: string): void {
    this.socket.send(text, port, '127.0.0.1');
  }

  close(): void {
    this.socket.close();
  }
}
