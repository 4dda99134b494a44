import net from 'node:net';

/**
 * A test-side TCP client that buffers what it receives, so a test can wait for bytes or for the
 * close without racing the socket's events.
 */
export class TcpClient {
  received = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number, options: { host?: string; localAddress?: string; allowHalfOpen?: boolean } = {}): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: options.host ?? '127.0.0.1', localAddress: options.localAddress, allowHalfOpen: options.allowHalfOpen ?? false });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TcpClient(socket));
      });
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Half-close: send FIN, keep reading. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once at least `bytes` have arrived; rejects on timeout or if the socket closes first. */
  async waitForBytes(bytes: number, timeoutMs = 5000): Promise<Buffer> {
    await this.waitUntil(() => this.received.length >= bytes || this.closed, timeoutMs, `${bytes} bytes`);
    if (this.received.length < bytes) throw new Error(`connection closed after ${this.received.length} of ${bytes} bytes`);
    return this.received;
  }

  async waitForText(text: string, timeoutMs = 5000): Promise<void> {
    await this.waitUntil(() => this.received.includes(text) || this.closed, timeoutMs, `"${text}"`);
    if (!this.received.includes(text)) throw new Error(`connection closed before "${text}" arrived (got "${this.received.toString()}")`);
  }

  /** Resolves when the connection is closed; rejects if it is still open after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<void> {
    return this.waitUntil(() => this.closed, timeoutMs, 'close');
  }

  private waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (received ${this.received.length} bytes, closed=${this.closed})`));
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Connects, sends `payload`, and resolves with the first `expect` bytes of the reply. */
export async function tcpRoundTrip(port: number, payload: Buffer | string, expect: number, timeoutMs = 5000): Promise<Buffer> {
  const client = await TcpClient.connect(port);
  try {
    client.write(payload);
    return (await client.waitForBytes(expect, timeoutMs)).subarray(0, expect);
  } finally {
    client.destroy();
  }
}

/**
 * Connects from `localAddress`, sends `request` (if any) and reads until the server closes: the
 * whole reply, and the client's own port (to match what the server saw).
 */
export async function replyUntilClose(port: number, options: { host?: string; localAddress?: string; request?: string } = {}): Promise<{ reply: string; localPort: number }> {
  const client = await TcpClient.connect(port, { host: options.host, localAddress: options.localAddress });
  const localPort = client.socket.localPort!;
  try {
    if (options.request !== undefined) client.write(options.request);
    await client.waitClosed();
    return { reply: client.received.toString(), localPort };
  } finally {
    client.destroy();
  }
}
