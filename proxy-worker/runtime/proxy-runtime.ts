import type net from 'node:net';
import type { ListenerSpec, ProxyConfig } from '../../shared/config/resolved-types.js';
import { normalizeIp, type ClientAddress } from '../../shared/client-address.js';
import type { ConnectionInfo, ListenerStatus, UpstreamInfo, UpstreamSelector, WorkerMessage } from '../../shared/ipc/protocol.js';
import { UpstreamHealth, upstreamInfo } from '../health/upstream-health.js';
import { Pool } from '../balancer/pool.js';
import { TcpListener } from '../listeners/tcp-listener.js';
import { TcpRelay } from '../listeners/tcp-relay.js';
import { UdpListener } from '../listeners/udp-listener.js';
import { UdpSession, type UdpSessionHost } from '../listeners/udp-session.js';
import type { RelayHost } from '../listeners/relay-host.js';
import { createProxyCounters } from './proxy-counters.js';
import { TimeoutSweeper } from './timeout-sweeper.js';
import { ThrottledWarning } from './throttled-warning.js';
import { Admission, type DenyReason } from './admission.js';
import { AclEnforcer } from './acl-enforcer.js';
import type { WorkerLogger } from './worker-logger.js';

/** How long a starting worker keeps retrying a port its predecessor is still releasing. */
const BIND_RETRY_MS = 3000;

/**
 * Everything one proxy runs: listeners, the upstream pool, live TCP relays and UDP sessions,
 * counters and the timeout sweep. Holds nothing that must survive the process.
 */
export class ProxyRuntime implements RelayHost, UdpSessionHost {
  readonly counters = createProxyCounters();
  readonly admission = new Admission();
  readonly acl = new AclEnforcer(this.admission);
  pool: Pool;
  readonly relays = new Map<number, TcpRelay>();
  readonly sessions = new Map<number, UdpSession>();
  private readonly tcpListeners: TcpListener[] = [];
  private readonly udpListeners: UdpListener[] = [];
  private readonly sweeper: TimeoutSweeper;
  private readonly noUpstreamWarning: ThrottledWarning;
  private readonly sessionCapWarning: ThrottledWarning;
  private readonly health: UpstreamHealth;
  private nextConnectionId = 1;
  private draining = false;
  private onIdle: (() => void) | null = null;

  constructor(
    public config: ProxyConfig,
    readonly logger: WorkerLogger,
    notify: (message: WorkerMessage) => void = () => undefined,
  ) {
    this.health = new UpstreamHealth(logger, notify);
    this.pool = new Pool(config);
    this.acl.apply(config);
    this.sweeper = new TimeoutSweeper(this);
    this.noUpstreamWarning = new ThrottledWarning(logger, 'no healthy upstream, connection refused');
    this.sessionCapWarning = new ThrottledWarning(logger, 'udp session cap reached, datagram dropped');
  }

  async start(): Promise<ListenerStatus[]> {
    try {
      for (const spec of this.config.listeners) await this.startListener(spec);
    } catch (error) {
      this.closeListeners();
      throw error;
    }
    this.sweeper.start();
    this.health.start(this.pool, this.config);
    return this.config.listeners.map(({ ip, port, protocol }) => ({ ip, port, protocol }));
  }

  /**
   * Applies a config with the same listener set. Live connections are not touched, except those
   * of clients a changed ACL now denies (when it says `close_existing_on_deny`).
   */
  reconfigure(config: ProxyConfig): void {
    const previous = this.config;
    this.config = config;
    if (this.acl.apply(config, previous)) this.closeDeniedByAcl();
    this.pool = new Pool(config, this.pool);
    this.logger.level = config.logging.level;
    this.sweeper.restart();
    this.health.start(this.pool, config);
  }

  listUpstreams(): UpstreamInfo[] {
    return this.pool.upstreams.map(upstreamInfo);
  }

  eject(selector: UpstreamSelector): number {
    return this.health.eject(this.pool, selector);
  }

  readmit(selector: UpstreamSelector): number {
    return this.health.readmit(this.pool, selector);
  }

  /** Stops accepting at once; the returned promise settles when the ports are released. */
  closeListeners(): void {
    for (const listener of this.tcpListeners) listener.close();
    for (const listener of this.udpListeners) listener.close();
  }

  /**
   * Lets live TCP connections finish for up to `timeoutMs`, then closes what is left.
   * Resolves with how many connections had to be closed by the timeout.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.draining = true;
    this.closeListeners();
    if (this.relays.size > 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.health.stop();
    const leftOver = this.relays.size;
    for (const relay of [...this.relays.values()]) relay.destroy('drain timeout');
    this.sweeper.stop();
    return leftOver;
  }

  listConnections(): ConnectionInfo[] {
    const list: ConnectionInfo[] = [];
    for (const relay of this.relays.values()) list.push(relay.info());
    for (const session of this.sessions.values()) list.push(session.info());
    return list;
  }

  killConnection(id: number): boolean {
    const relay = this.relays.get(id);
    if (relay !== undefined) {
      relay.destroy('killed through the API');
      return true;
    }
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    session.end('killed through the API');
    return true;
  }

  relayFinished(relay: TcpRelay, reason: string): void {
    this.relays.delete(relay.id);
    this.counters.activeTcpConnections--;
    if (this.config.logging.logConnections) this.logClose('connection closed', relay, reason, 'tcp');
    if (this.draining && this.relays.size === 0) this.onIdle?.();
  }

  sessionEnded(session: UdpSession, reason: string): void {
    this.sessions.delete(session.id);
    session.listener.forget(session);
    this.counters.activeUdpSessions--;
    if (this.config.logging.logConnections) this.logClose('udp session closed', session, reason, 'udp');
  }

  private closeDeniedByAcl(): void {
    const live: [string, { close(reason: string): void }][] = [];
    for (const relay of this.relays.values()) live.push([relay.clientAddress.ip, { close: (reason) => relay.destroy(reason) }]);
    for (const session of this.sessions.values()) live.push([session.clientIp, { close: (reason) => session.end(reason) }]);
    const closed = this.acl.closeDenied(live);
    if (closed > 0) this.logger.info('connections closed by acl change', { connections: closed });
  }

  private async startListener(spec: ListenerSpec): Promise<void> {
    const network = this.config.network;
    if (spec.protocol === 'tcp') {
      const listener = new TcpListener(
        spec,
        {
          noDelay: network.tcpNodelay,
          keepAlive: network.tcpKeepaliveEnabled,
          keepAliveInitialDelayMs: network.tcpKeepaliveIntervalMs,
          highWaterMark: network.socketBufferSize,
        },
        this.acceptTcp,
      );
      this.tcpListeners.push(listener);
      await listener.start(BIND_RETRY_MS);
    } else {
      const listener = new UdpListener(
        spec,
        { readBufferBytes: network.udpReadBuffer, writeBufferBytes: network.udpWriteBuffer },
        this.openUdpSession,
      );
      this.udpListeners.push(listener);
      await listener.start(BIND_RETRY_MS);
    }
  }

  private readonly acceptTcp = (socket: net.Socket, spec: ListenerSpec, client: ClientAddress): void => {
    const denied = this.admission.check(client.ip);
    if (denied !== null) {
      this.refuse(denied, 'tcp', client.ip, spec.port);
      socket.destroy();
      return;
    }
    const upstream = this.pool.pick(spec.group, client.ip);
    if (upstream === undefined) {
      this.counters.noHealthyUpstream++;
      this.noUpstreamWarning.hit({ client: client.ip, listener: spec.port });
      socket.destroy();
      return;
    }
    const relay = new TcpRelay(this.nextConnectionId++, this, socket, client, spec.port, upstream);
    this.relays.set(relay.id, relay);
    this.counters.activeTcpConnections++;
    this.counters.tcpConnections++;
    if (this.config.logging.logConnections) {
      this.logger.info('connection accepted', { client: client.ip, clientPort: client.port, listener: spec.port, upstream: upstream.key });
    }
  };

  private readonly openUdpSession = (listener: UdpListener, clientAddress: string, clientPort: number): UdpSession | undefined => {
    if (this.sessions.size >= this.config.udpMaxSessions) {
      this.counters.udpDropped++;
      this.sessionCapWarning.hit({ limit: this.config.udpMaxSessions });
      return undefined;
    }
    const spec = listener.spec;
    const clientIp = normalizeIp(clientAddress);
    const denied = this.admission.check(clientIp);
    if (denied !== null) {
      this.refuse(denied, 'udp', clientIp, spec.port);
      return undefined;
    }
    const upstream = this.pool.pick(spec.group, clientIp);
    if (upstream === undefined) {
      this.counters.udpDropped++;
      this.noUpstreamWarning.hit({ client: clientIp, listener: spec.port });
      return undefined;
    }
    const session = new UdpSession(this.nextConnectionId++, this, listener, clientAddress, clientIp, clientPort, spec.port, upstream);
    this.sessions.set(session.id, session);
    this.counters.activeUdpSessions++;
    this.counters.udpSessionsTotal++;
    if (this.config.logging.logConnections) {
      this.logger.info('udp session opened', { client: session.clientIp, clientPort, listener: spec.port, upstream: upstream.key });
    }
    return session;
  };

  private refuse(reason: DenyReason, protocol: 'tcp' | 'udp', clientIp: string, listenerPort: number): void {
    if (reason === 'acl') this.counters.aclDenied++;
    else this.counters.suspendedRefused++;
    if (this.config.logging.logConnections) {
      this.logger.info(reason === 'acl' ? 'connection denied by acl' : 'connection refused, proxy suspended', { protocol, client: clientIp, listener: listenerPort });
    }
  }

  private logClose(message: string, conn: TcpRelay | UdpSession, reason: string, protocol: 'tcp' | 'udp'): void {
    const info = conn.info();
    const fields: Record<string, unknown> = {
      protocol,
      client: info.clientIp,
      clientPort: info.clientPort,
      upstream: conn.upstream.key,
      durationMs: Date.now() - conn.startedAt,
      reason,
    };
    if (this.config.logging.logBytes) {
      fields.bytesIn = info.bytesIn;
      fields.bytesOut = info.bytesOut;
    }
    this.logger.info(message, fields);
  }
}
