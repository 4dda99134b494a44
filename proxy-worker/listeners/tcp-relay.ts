import net from 'node:net';
import type { ClientAddress } from '../../shared/client-address.js';
import type { ConnectionInfo } from '../../shared/ipc/protocol.js';
import type { UpstreamState } from '../balancer/upstream-state.js';
import type { GuardedTcp, TcpGuard } from '../l7/tcp-guard.js';
import { coarseClock } from '../runtime/clock.js';
import type { RelayHost } from './relay-host.js';

/** The close reason the timeout sweep gives a relay whose upstream did not connect in time. */
export const UPSTREAM_CONNECT_TIMEOUT = 'upstream connect timeout';

/**
 * One client connection and its upstream connection. Bytes are relayed with backpressure both
 * ways (a full writer pauses the other side's reader), half-close is passed on (one side's FIN
 * ends the other side's writer while the opposite direction keeps flowing), and bytes are
 * counted per chunk. Timeouts are checked by the runtime's sweep, not by a timer per socket.
 *
 * Handlers are per-connection arrow functions: nothing is allocated per chunk.
 */
export class TcpRelay implements GuardedTcp {
  readonly startedAt = Date.now();
  bytesIn = 0;
  bytesOut = 0;
  lastClientReadAt = coarseClock.now;
  lastUpstreamReadAt = coarseClock.now;
  /** When a write towards that side last returned false and has not drained yet (0 = flowing). */
  clientBlockedSince = 0;
  upstreamBlockedSince = 0;
  connected = false;
  clientEnded = false;
  upstreamEnded = false;
  private readonly upstreamSocket: net.Socket;
  private openSockets = 2;
  private closeReason = '';
  /** Set while the L7 payload rate limit holds the client's reads. */
  private throttleTimer: NodeJS.Timeout | null = null;
  /**
   * Who takes the client over when the upstream never connects (refused, unreachable, or the
   * connect timeout): an offline answer instead of a close. Null = the client is closed.
   */
  connectFallback: ((client: net.Socket) => void) | null = null;

  constructor(
    readonly id: number,
    private readonly host: RelayHost,
    private readonly client: net.Socket,
    readonly clientAddress: ClientAddress,
    readonly listenerPort: number,
    readonly upstream: UpstreamState,
    /** Bytes the first-bytes stage read from the client, sent to the upstream first. */
    replay: Buffer | null = null,
    /** The client's FIN came while its first bytes were read: pass it on after the replay. */
    clientEnded = false,
    /** The L7 engine's payload rate limit and receive-rate check, when configured. */
    private readonly guard: TcpGuard | null = null,
    /** A PROXY header for the backend, written before any client byte (queued until connected). */
    proxyHeader: Buffer | null = null,
  ) {
    const network = host.config.network;
    // Socket honours the Duplex high-water marks; @types/node's NetConnectOpts does not list them.
    const options: net.NetConnectOpts & { writableHighWaterMark?: number; readableHighWaterMark?: number } = {
      host: upstream.ip,
      port: upstream.port,
      allowHalfOpen: true,
      noDelay: network.tcpNodelay,
      keepAlive: network.tcpKeepaliveEnabled,
      keepAliveInitialDelay: network.tcpKeepaliveIntervalMs,
      writableHighWaterMark: network.socketBufferSize || undefined,
      readableHighWaterMark: network.socketBufferSize || undefined,
    };
    this.upstreamSocket = net.connect(options);
    if (proxyHeader !== null) this.upstreamSocket.write(proxyHeader);
    upstream.acquire();
    client.on('data', guard === null ? this.onClientData : this.onClientDataGuarded);
    client.on('end', this.onClientEnd);
    client.on('drain', this.onClientDrain);
    client.on('error', this.onSocketError);
    client.on('close', this.onClientClose);
    const up = this.upstreamSocket;
    up.once('connect', this.onUpstreamConnect);
    up.on('data', this.onUpstreamData);
    up.on('end', this.onUpstreamEnd);
    up.on('drain', this.onUpstreamDrain);
    up.on('error', this.onSocketError);
    up.on('close', this.onUpstreamClose);
    if (replay !== null) this.onClientData(replay);
    if (clientEnded) this.onClientEnd();
    guard?.attach(this, Date.now());
  }

  get readsPaused(): boolean {
    return this.upstreamBlockedSince !== 0 || this.throttleTimer !== null;
  }

  close(reason: string): void {
    this.destroy(reason);
  }

  /** Closes both sides now; `reason` shows in the access log. */
  destroy(reason: string): void {
    if (this.closeReason === '') this.closeReason = reason;
    if (reason === UPSTREAM_CONNECT_TIMEOUT && this.connectFallback !== null) {
      this.upstreamSocket.destroy();
      return;
    }
    this.client.destroy();
    this.upstreamSocket.destroy();
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      protocol: 'tcp',
      clientIp: this.clientAddress.ip,
      clientPort: this.clientAddress.port,
      listenerPort: this.listenerPort,
      upstreamIp: this.upstream.ip,
      upstreamPort: this.upstream.port,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      startedAt: new Date(this.startedAt).toISOString(),
    };
  }

  private readonly onUpstreamConnect = (): void => {
    this.connected = true;
    this.lastClientReadAt = this.lastUpstreamReadAt = coarseClock.now;
    if (this.throttleTimer === null) this.client.resume();
  };

  private readonly onClientData = (chunk: Buffer): void => {
    const n = chunk.length;
    this.bytesIn += n;
    this.upstream.bytesIn += n;
    this.host.counters.bytesIn += n;
    this.lastClientReadAt = coarseClock.now;
    if (!this.upstreamSocket.write(chunk)) {
      this.client.pause();
      this.upstreamBlockedSince = coarseClock.now;
    }
  };

  private readonly onClientDataGuarded = (chunk: Buffer): void => {
    this.onClientData(chunk);
    const waitMs = this.guard!.onRead(chunk.length, Date.now());
    if (waitMs > 0 && this.throttleTimer === null) {
      this.client.pause();
      this.throttleTimer = setTimeout(this.onThrottleEnd, waitMs);
    }
  };

  private readonly onThrottleEnd = (): void => {
    const waitMs = this.guard!.waitMs(Date.now());
    if (waitMs > 0) {
      this.throttleTimer = setTimeout(this.onThrottleEnd, waitMs);
      return;
    }
    this.throttleTimer = null;
    this.lastClientReadAt = coarseClock.now;
    if (this.connected && this.upstreamBlockedSince === 0) this.client.resume();
  };

  private readonly onUpstreamData = (chunk: Buffer): void => {
    const n = chunk.length;
    this.bytesOut += n;
    this.upstream.bytesOut += n;
    this.host.counters.bytesOut += n;
    this.lastUpstreamReadAt = coarseClock.now;
    if (!this.client.write(chunk)) {
      this.upstreamSocket.pause();
      this.clientBlockedSince = coarseClock.now;
    }
  };

  private readonly onUpstreamDrain = (): void => {
    this.upstreamBlockedSince = 0;
    this.lastClientReadAt = coarseClock.now;
    if (this.throttleTimer === null) this.client.resume();
  };

  private readonly onClientDrain = (): void => {
    this.clientBlockedSince = 0;
    this.lastUpstreamReadAt = coarseClock.now;
    this.upstreamSocket.resume();
  };

  private readonly onClientEnd = (): void => {
    this.clientEnded = true;
    this.upstreamSocket.end();
  };

  private readonly onUpstreamEnd = (): void => {
    this.upstreamEnded = true;
    this.client.end();
  };

  private readonly onSocketError = (error: Error): void => {
    this.host.descriptors.socketFailed(error);
    // 'close' follows every 'error'; the close handlers decide what happens to the other side.
  };

  private readonly onClientClose = (): void => {
    if (!this.bothEnded()) {
      if (this.closeReason === '') this.closeReason = this.clientEnded ? 'client closed' : 'client reset';
      this.upstreamSocket.destroy();
    }
    this.socketClosed();
  };

  private readonly onUpstreamClose = (): void => {
    if (!this.bothEnded()) {
      // A connect that failed or timed out; not one cut short by the client, a kill or a drain.
      if (!this.connected && (this.closeReason === '' || this.closeReason === UPSTREAM_CONNECT_TIMEOUT)) this.upstream.connectFailures++;
      const connectFailed = !this.connected && (this.closeReason === '' || this.closeReason === UPSTREAM_CONNECT_TIMEOUT);
      if (this.closeReason === '') this.closeReason = this.connected ? 'upstream reset' : 'upstream connect failed';
      if (connectFailed && this.connectFallback !== null) this.handClientOver(this.connectFallback);
      else this.client.destroy();
    }
    this.socketClosed();
  };

  /** Lets `fallback` answer the client: the relay lets go of it and counts it closed. */
  private handClientOver(fallback: (client: net.Socket) => void): void {
    const client = this.client;
    client.off('data', this.onClientData);
    client.off('data', this.onClientDataGuarded);
    client.off('end', this.onClientEnd);
    client.off('drain', this.onClientDrain);
    client.off('error', this.onSocketError);
    client.off('close', this.onClientClose);
    this.closeReason = `${this.closeReason}, answered by RouteX`;
    this.openSockets--;
    fallback(client);
  }

  private bothEnded(): boolean {
    return this.clientEnded && this.upstreamEnded;
  }

  private socketClosed(): void {
    if (--this.openSockets > 0) return;
    if (this.throttleTimer !== null) clearTimeout(this.throttleTimer);
    this.guard?.release();
    this.upstream.release();
    this.host.relayFinished(this, this.closeReason || 'closed');
  }
}
