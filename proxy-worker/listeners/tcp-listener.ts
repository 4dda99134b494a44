import net from 'node:net';
import type { ListenerSpec } from '../../shared/config/resolved-types.js';
import { clientAddressOf } from '../../shared/client-address.js';
import { formatIpPort } from '../../shared/ip-port.js';
import { ListenError } from './listen-error.js';
import { listenOnHandle, type ReceivedHandle } from './adopted-handle.js';

export type TcpConnectionHandler = (socket: net.Socket, spec: ListenerSpec, client: ReturnType<typeof clientAddressOf>) => void;

export interface TcpListenerOptions {
  noDelay: boolean;
  keepAlive: boolean;
  keepAliveInitialDelayMs: number;
  highWaterMark: number;
}

/**
 * One TCP listening socket, bound by the supervisor and handed over. Accepted sockets arrive
 * paused; the handler decides their fate.
 */
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
    return formatIpPort(this.spec.ip, this.spec.port);
  }

  /** Listens on the supervisor's socket; `backlog` is network.listen_backlog. */
  async start(handle: ReceivedHandle, backlog: number): Promise<void> {
    try {
      await listenOnHandle(this.server, handle, backlog);
    } catch (error) {
      throw new ListenError(this.address, error as NodeJS.ErrnoException);
    }
  }

  /**
   * Stops accepting and closes this worker's descriptor. The supervisor's stays open, so the
   * port keeps queueing connections for the next worker; live connections are not touched.
   */
  close(): void {
    if (this.server.listening) this.server.close();
  }

  private readonly accept = (socket: net.Socket): void => {
    this.onConnection(socket, this.spec, clientAddressOf(socket.remoteAddress, socket.remotePort));
  };
}
