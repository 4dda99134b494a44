// The supervisor's one way to own a listening socket without ever serving it. Node's cluster
// module does the same for its workers (`SharedHandle` in lib/internal/cluster/shared_handle.js):
// it creates a bound libuv handle with `net._createServerHandle` / `dgram._createSocketHandle`
// and passes it to a worker with `child.send(message, handle)`. The handle is never `listen`ed or
// `recvStart`ed here, so this process's event loop never polls it: it never accepts a connection
// nor reads a datagram. The worker's `listen(backlog)` puts the shared kernel socket in the LISTEN
// state; because this process keeps a descriptor of it, the socket outlives any worker, and
// connections (or datagrams) that arrive while no worker runs wait in the backlog (or the receive
// buffer) for the next one.
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net, { isIPv6 } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { formatIpPort } from '../../shared/ip-port.js';
import { listenErrorCode } from '../../shared/errors/listen-error-code.js';
import { RoutexError } from '../../shared/errors/routex-error.js';

export type HeldProtocol = 'tcp' | 'udp';

/** What `child.send` accepts as its second argument; a raw handle is one of those at run time. */
export type SendableHandle = NonNullable<Parameters<ChildProcess['send']>[1]>;

/** The bits of libuv's TCP/UDP wrap that this module uses (they are not in @types/node). */
interface RawHandle {
  getsockname(out: { address?: string; port?: number }): number;
  close(): void;
}

type CreateServerHandle = (address: string, port: number, addressType: 4 | 6, fd?: number, flags?: number) => RawHandle | number;
type CreateSocketHandle = (address: string, port: number, addressType: 'udp4' | 'udp6', fd?: number, flags?: number) => RawHandle | number;

const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;
const createSocketHandleDeprecated = (dgram as unknown as { _createSocketHandle: CreateSocketHandle })._createSocketHandle;

/**
 * `dgram._createSocketHandle` is the exported form of the function cluster uses, flagged DEP0112
 * (it was never meant for users). It is the only way to get a bound UDP handle that nothing
 * reads; the warning would only confuse operators, so it is silenced for this one call.
 */
function createSocketHandle(address: string, port: number, type: 'udp4' | 'udp6'): RawHandle | number {
  const before = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return createSocketHandleDeprecated(address, port, type, undefined, 0);
  } finally {
    process.noDeprecation = before;
  }
}

/** A listening socket could not be bound (`errno` is the system's name, e.g. EADDRINUSE). */
export class BindError extends RoutexError {
  constructor(
    readonly address: string,
    readonly errno: string,
  ) {
    super(listenErrorCode(errno), `cannot listen on ${address}: ${errno}`);
  }
}

/**
 * One listening socket the supervisor holds for a proxy: bound, never polled here, handed to
 * each worker that serves it. `port` is the port actually bound (read back when asked for 0).
 */
export class HeldSocket {
  private closed = false;

  private constructor(
    readonly protocol: HeldProtocol,
    readonly ip: string,
    readonly port: number,
    private readonly raw: RawHandle,
  ) {}

  /** Binds `ip:port`; throws `BindError` (the port is taken, the address is not local, ...). */
  static bind(protocol: HeldProtocol, ip: string, port: number): HeldSocket {
    const v6 = isIPv6(ip);
    // libuv defers a TCP bind's EADDRINUSE to listen(); getsockname reports it at once.
    const created = protocol === 'tcp' ? createServerHandle(ip, port, v6 ? 6 : 4) : createSocketHandle(ip, port, v6 ? 'udp6' : 'udp4');
    if (typeof created === 'number') throw new BindError(formatIpPort(ip, port), getSystemErrorName(created));
    const bound: { port?: number } = {};
    const err = created.getsockname(bound);
    if (err !== 0) {
      created.close();
      throw new BindError(formatIpPort(ip, port), getSystemErrorName(err));
    }
    return new HeldSocket(protocol, ip, bound.port ?? port, created);
  }

  get address(): string {
    return formatIpPort(this.ip, this.port);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The handle to pass as `child.send(message, handle)`; the child receives its own descriptor. */
  get handle(): SendableHandle {
    if (this.closed) throw new Error(`held socket ${this.protocol} ${this.address} is closed`);
    return this.raw as unknown as SendableHandle;
  }

  /** Releases this process's descriptor; the port is free once no worker holds one either. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.close();
  }
}
