import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenerSpec } from '../../shared/config/resolved-types.js';
import { listenerKey } from '../../shared/ipc/protocol.js';
import { formatIpPort } from '../../shared/ip-port.js';
import { adoptUdpHandle, type ReceivedHandle, type UdpReading } from './adopted-handle.js';
import type { UdpReplier, UdpSession } from './udp-session.js';

export interface UdpListenerOptions {
  readBufferBytes: number;
  writeBufferBytes: number;
}

/**
 * Replies go to the address a datagram came from, always an IP literal. dgram would still run
 * it through dns.lookup and a nextTick per datagram; answering synchronously sends at once.
 */
type LookupCallback = (err: Error | null, address: string, family: number) => void;
const literalLookup4 = (address: string, _family: unknown, callback: LookupCallback): void => callback(null, address, 4);
const literalLookup6 = (address: string, _family: unknown, callback: LookupCallback): void => callback(null, address, 6);

/** Opens a session for a client's first datagram (which it may inspect), or returns undefined to drop it. */
export type UdpSessionOpener = (listener: UdpListener, clientAddress: string, clientPort: number, datagram: Buffer) => UdpSession | undefined;

/**
 * One UDP listening socket (bound by the supervisor and handed over) and its sessions. Sessions are found by client address then port in
 * two nested maps, so no key string is built per datagram.
 */
export class UdpListener implements UdpReplier {
  readonly key: string;
  private readonly socket: dgram.Socket;
  private readonly sessions = new Map<string, Map<number, UdpSession>>();
  private reading: UdpReading | null = null;
  private closed = false;

  constructor(
    readonly spec: ListenerSpec,
    private readonly options: UdpListenerOptions,
    private readonly openSession: UdpSessionOpener,
  ) {
    this.key = listenerKey(spec);
    const v6 = isIPv6(spec.ip);
    this.socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', lookup: v6 ? literalLookup6 : literalLookup4 });
    this.socket.on('message', this.onDatagram);
    this.socket.on('error', () => {
      // A send error towards one client must not take the listener down.
    });
  }

  get address(): string {
    return formatIpPort(this.spec.ip, this.spec.port);
  }

  /**
   * Serves the supervisor's socket. `paused`: read nothing until `resumeReading` (a predecessor
   * still reads and is about to hand its sessions over).
   */
  start(handle: ReceivedHandle, paused: boolean): void {
    this.reading = adoptUdpHandle(this.socket, handle, paused);
    this.applyBufferSizes();
  }

  resumeReading(): void {
    this.reading?.resume();
  }

  /**
   * Stops reading (the successor reads the shared socket from now on) but keeps the socket for
   * the replies of live sessions; returns them.
   */
  handOver(): UdpSession[] {
    this.reading?.pause();
    const live: UdpSession[] = [];
    for (const byPort of this.sessions.values()) for (const session of byPort.values()) live.push(session);
    return live;
  }

  reply(session: UdpSession, datagram: Buffer): void {
    if (!this.closed) this.socket.send(datagram, session.peerPort, session.clientAddress);
  }

  /** Answers a client with no session (a first-bytes step that replies itself). */
  sendTo(clientAddress: string, clientPort: number, datagram: Uint8Array): void {
    if (!this.closed) this.socket.send(datagram, clientPort, clientAddress);
  }

  forget(session: UdpSession): void {
    const byPort = this.sessions.get(session.clientAddress);
    if (byPort?.get(session.peerPort) !== session) return;
    byPort.delete(session.peerPort);
    if (byPort.size === 0) this.sessions.delete(session.clientAddress);
  }

  /**
   * Closes this worker's descriptor and ends every session (UDP has nothing to drain once it
   * cannot reply). The supervisor's descriptor keeps the port.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const byPort of this.sessions.values()) for (const session of byPort.values()) session.end('listener closed');
    this.socket.close();
  }

  private applyBufferSizes(): void {
    // Set on the shared kernel socket, so they stay while no worker runs (for the datagrams that
    // queue in a restart gap). The kernel caps these at net.core.[rw]mem_max; a refusal is not
    // worth failing the proxy for.
    try {
      if (this.options.readBufferBytes > 0) this.socket.setRecvBufferSize(this.options.readBufferBytes);
      if (this.options.writeBufferBytes > 0) this.socket.setSendBufferSize(this.options.writeBufferBytes);
    } catch {
      /* best effort */
    }
  }

  private readonly onDatagram = (datagram: Buffer, rinfo: dgram.RemoteInfo): void => {
    let byPort = this.sessions.get(rinfo.address);
    let session = byPort?.get(rinfo.port);
    if (session === undefined) {
      session = this.openSession(this, rinfo.address, rinfo.port, datagram);
      if (session === undefined) return;
      if (byPort === undefined) {
        byPort = new Map();
        this.sessions.set(rinfo.address, byPort);
      }
      byPort.set(rinfo.port, session);
    }
    session.forward(datagram);
  };
}
