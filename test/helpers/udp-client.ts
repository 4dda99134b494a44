import dgram from 'node:dgram';

/** A UDP client bound to `address` (a loopback alias like 127.0.0.2) that buffers replies. */
export class UdpClient {
  readonly replies: Buffer[] = [];
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (message) => this.replies.push(message));
    socket.on('error', () => undefined);
  }

  static async bind(address = '127.0.0.1'): Promise<UdpClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind({ address, port: 0 }, () => resolve()));
    return new UdpClient(socket);
  }

  send(port: number, datagram: Buffer | string): void {
    this.socket.send(datagram, port, '127.0.0.1');
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
  }
}
