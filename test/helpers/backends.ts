import dgram from 'node:dgram';
import net from 'node:net';

export interface TcpBackend {
  port: number;
  /** Connections accepted so far (health probes included). */
  accepted: number;
  /** Connections that sent at least one byte (health probes send none). */
  served: number;
  /** Sockets currently open on the backend side. */
  readonly sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/**
 * A TCP echo backend on 127.0.0.1, port 0. With `greeting`, it first sends that text on every
 * connection, so a test can tell which backend served it.
 */
export async function startTcpBackend(options: { greeting?: string; host?: string; port?: number } = {}): Promise<TcpBackend> {
  const sockets = new Set<net.Socket>();
  const backend = { port: 0, accepted: 0, served: 0, sockets } as TcpBackend;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    backend.accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => backend.served++);
    if (options.greeting !== undefined) socket.write(options.greeting);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' }, resolve);
  });
  backend.port = (server.address() as net.AddressInfo).port;
  backend.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return backend;
}

export interface UdpBackend {
  port: number;
  /** `ip:port` of every distinct source seen (each one is a proxy session's upstream socket). */
  readonly sources: Set<string>;
  received: number;
  close(): Promise<void>;
}

/** A UDP echo backend; with `tag`, replies are `tag + datagram`. */
export async function startUdpBackend(options: { tag?: string; port?: number; host?: string } = {}): Promise<UdpBackend> {
  const socket = dgram.createSocket('udp4');
  const backend = { port: 0, sources: new Set<string>(), received: 0 } as UdpBackend;
  socket.on('message', (message, rinfo) => {
    backend.received++;
    backend.sources.add(`${rinfo.address}:${rinfo.port}`);
    const reply = options.tag === undefined ? message : Buffer.concat([Buffer.from(options.tag), message]);
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: options.port ?? 0, address: options.host ?? '127.0.0.1' }, () => resolve());
  });
  backend.port = socket.address().port;
  backend.close = () => new Promise<void>((resolve) => socket.close(() => resolve()));
  return backend;
}

export interface SinkBackend {
  port: number;
  accepted: number;
  /** Bytes received over every connection. */
  received: number;
  close(): Promise<void>;
}

/** A TCP backend that reads and discards: it sends nothing, so a proxy's bytes out stay 0 and usage sums are exact. */
export async function startSinkBackend(): Promise<SinkBackend> {
  const sockets = new Set<net.Socket>();
  const sink = { port: 0, accepted: 0, received: 0 } as SinkBackend;
  const server = net.createServer((socket) => {
    sink.accepted++;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (sink.received += chunk.length));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.address() as net.AddressInfo).port;
  sink.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return sink;
}
