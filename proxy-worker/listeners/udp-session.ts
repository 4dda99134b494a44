import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ConnectionInfo } from '../../shared/ipc/protocol.js';
import type { UpstreamState } from '../balancer/upstream-state.js';
import { coarseClock } from '../runtime/clock.js';
import type { UdpGuard } from '../l7/udp-guard.js';
import type { HeaderReceiver } from '../proxy-protocol/header-receiver.js';

/** Datagrams that arrive while the upstream socket is still connecting are held, up to this many. */
const MAX_PENDING_DATAGRAMS = 64;

export interface UdpSessionHost {
  readonly counters: { bytesIn: number; bytesOut: number; udpDropped: number; proxyProtocolRefused: number };
  /** Told of socket errors: running out of file descriptors is counted and logged there. */
  readonly descriptors: { socketFailed(error: unknown): void };
  sessionEnded(session: UdpSession, reason: string): void;
}

/** The listening socket the client talks to; replies leave from it so the client sees the port it targeted. */
export interface UdpReplier {
  reply(session: UdpSession, datagram: Buffer): void;
  forget(session: UdpSession): void;
}

/**
 * One client ip:port and its own connected upstream socket. The upstream socket keeps its source
 * port for the whole session, so the game server sees one stable peer per client.
 */
export class UdpSession {
  readonly startedAt = Date.now();
  lastActivityAt = coarseClock.now;
  bytesIn = 0;
  bytesOut = 0;
  /** Set when a draining worker handed the client to its successor: this one only relays replies. */
  handedOver = false;
  private readonly socket: dgram.Socket;
  private pending: Buffer[] | null = [];
  private ended = false;

  constructor(
    readonly id: number,
    private readonly host: UdpSessionHost,
    readonly listener: UdpReplier,
    /** The address exactly as the listening socket saw it: the key for lookups and replies. */
    readonly clientAddress: string,
    /** The same address with IPv4-mapped IPv6 unwrapped: what ACLs, logs and balancers read. */
    readonly clientIp: string,
    readonly clientPort: number,
    readonly listenerPort: number,
    readonly upstream: UpstreamState,
    /** The L7 engine's payload rate limit and amplification check, when configured. */
    private readonly guard: UdpGuard | null = null,
    /** The PROXY header for this session's datagrams, or null. */
    private proxyHeader: Buffer | null = null,
    /** true: on every datagram; false: on the first one only (then dropped). */
    private readonly headerOnEvery = false,
    /** The peer's own port, where replies go; not `clientPort` when a PROXY header named the client. */
    readonly peerPort = clientPort,
    /** Reads the PROXY headers a trusted peer puts on the session's datagrams (proxy_protocol.receive). */
    private readonly inbound: HeaderReceiver | null = null,
  ) {
    upstream.acquire();
    this.socket = dgram.createSocket(isIPv6(upstream.ip) ? 'udp6' : 'udp4');
    this.socket.on('message', guard?.measuresReplies === true ? this.onReplyGuarded : this.onReply);
    this.socket.on('error', this.onError);
    this.socket.connect(upstream.port, upstream.ip, this.onConnected);
  }

  forward(datagram: Buffer): void {
    if (this.inbound !== null) {
      const headerBytes = this.inbound.headerLengthIn(datagram, this.clientIp, this.clientPort);
      if (headerBytes < 0) {
        this.host.counters.proxyProtocolRefused++;
        return;
      }
      if (headerBytes > 0) datagram = datagram.subarray(headerBytes);
    }
    const n = datagram.length;
    if (this.guard !== null && !this.guard.inbound(datagram, coarseClock.now)) return;
    this.bytesIn += n;
    this.upstream.bytesIn += n;
    this.host.counters.bytesIn += n;
    this.lastActivityAt = coarseClock.now;
    if (this.pending === null) {
      this.sendUpstream(datagram);
    } else if (this.pending.length < MAX_PENDING_DATAGRAMS) {
      this.pending.push(datagram);
    } else {
      this.host.counters.udpDropped++;
    }
  }

  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    this.socket.close();
    this.upstream.release();
    this.guard?.release();
    this.host.sessionEnded(this, reason);
  }

  /** True once the client proved a round trip (see `UdpGuard`): a successor need not measure it again. */
  get roundTripProved(): boolean {
    return this.guard?.roundTripProved ?? false;
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      protocol: 'udp',
      clientIp: this.clientIp,
      clientPort: this.clientPort,
      listenerPort: this.listenerPort,
      upstreamIp: this.upstream.ip,
      upstreamPort: this.upstream.port,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      startedAt: new Date(this.startedAt).toISOString(),
    };
  }

  private readonly onConnected = (): void => {
    const pending = this.pending;
    this.pending = null;
    if (pending === null || this.ended) return;
    for (const datagram of pending) this.sendUpstream(datagram);
  };

  /** Header and payload leave as one datagram (a gathered send, no copy). */
  private sendUpstream(datagram: Buffer): void {
    const header = this.proxyHeader;
    if (header === null) {
      this.socket.send(datagram);
      return;
    }
    if (!this.headerOnEvery) this.proxyHeader = null;
    this.socket.send([header, datagram]);
  }

  private readonly onReply = (datagram: Buffer): void => {
    const n = datagram.length;
    this.bytesOut += n;
    this.upstream.bytesOut += n;
    this.host.counters.bytesOut += n;
    this.lastActivityAt = coarseClock.now;
    this.listener.reply(this, datagram);
  };

  private readonly onReplyGuarded = (datagram: Buffer): void => {
    if (this.guard!.outbound(datagram, coarseClock.now)) {
      this.end('amplification detected');
      return;
    }
    this.onReply(datagram);
  };

  private readonly onError = (error: Error): void => {
    this.host.descriptors.socketFailed(error);
    // ICMP unreachable and the like: end the session; the client's next datagram opens a new one.
    this.end('upstream error');
  };
}
