import net from 'node:net';

/** A connection the peer closed, and everything it sent (nothing, for a connect-only probe). */
export interface ClosedConnection {
  /** The peer's port as the backend's socket saw it (RouteX's side of the connection). */
  peerPort: number;
  bytes: Buffer;
}

export interface RecordingBackend {
  port: number;
  /** Every connection that sent at least one byte, with what it sent so far. */
  readonly connections: { socket: net.Socket; received: Buffer }[];
  /** Every connection that has closed, bytes or not. */
  readonly closed: ClosedConnection[];
  /** Bytes received over all connections. */
  readonly bytes: number;
  close(): Promise<void>;
}

/**
 * A TCP backend that records what each connection sends (and answers nothing unless `reply`
 * says so), to tell whether bytes reached it and when.
 */
export async function startRecordingBackend(reply?: (socket: net.Socket, chunk: Buffer) => void): Promise<RecordingBackend> {
  const sockets = new Set<net.Socket>();
  const connections: { socket: net.Socket; received: Buffer }[] = [];
  const closed: ClosedConnection[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const peerPort = socket.remotePort!;
    let entry: { socket: net.Socket; received: Buffer } | undefined;
    socket.on('close', () => {
      sockets.delete(socket);
      closed.push({ peerPort, bytes: entry?.received ?? Buffer.alloc(0) });
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (entry === undefined) {
        entry = { socket, received: Buffer.alloc(0) };
        connections.push(entry);
      }
      entry.received = Buffer.concat([entry.received, chunk]);
      reply?.(socket, chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    closed,
    get bytes() {
      return connections.reduce((sum, c) => sum + c.received.length, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
