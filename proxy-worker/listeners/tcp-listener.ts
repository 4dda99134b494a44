import net from 'node:net';
import type { ListenerSpec } from '../../shared/config/resolved-types.js';
import { clientAddressOf } from '../../shared/client-address.js';
import { formatHostPort } from '../../shared/host-port.js';
import { bindWithRetry } from './bind-error.js';

export type TcpConnectionHandler = (socket: net.Socket, spec: ListenerSpec, client: ReturnType<typeof clientAddressOf>) => void;

export interface TcpListenerOptions {
  noDelay: boolean;
  keepAlive: boolean;
  keepAliveInitialDelayMs: number;
  highWaterMark: number;
}

/** One TCP listening socket. Accepted sockets arrive paused; the handler decides their fate. */
export class TcpListener {
  private readonly server: net.Server;

  constructor(
    readonly spec: ListenerSpec,
    options: TcpListenerOptions,
    private readonly onConnection: TcpConnectionHandler,
  ) {
    this.server = net.createServer({
      allowHalfOpen: true,
      pauseOnConnect: true,
      noDelay: options.noDelay,
      keepAlive: options.keepAlive,
      keepAliveInitialDelay: options.keepAliveInitialDelayMs,
      highWaterMark: options.highWaterMark || undefined,
    });
    this.server.on('connection', this.accept);
    this.server.on('error', () => {
      // Accept errors (EMFILE and the like) must not crash the worker; the server keeps listening.
    });
  }

  get address(): string {
    return formatHostPort(this.spec.ip, this.spec.port);
  }

  start(retryForMs: number): Promise<void> {
    return bindWithRetry(() => this.listenOnce(), this.address, retryForMs);
  }

  /** Stops accepting; the port is released, live connections are not touched. */
  close(): void {
    if (this.server.listening) this.server.close();
  }

  private listenOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        this.server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host: this.spec.ip, port: this.spec.port, backlog: 4096, exclusive: true });
    });
  }

  private readonly accept = (socket: net.Socket): void => {
    this.onConnection(socket, this.spec, clientAddressOf(socket.remoteAddress, socket.remotePort));
  };
}
