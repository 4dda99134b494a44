import type net from 'node:net';
import type { ListenerSpec, ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ClientAddress } from '../../shared/client-address.js';
import { unmapIpv4 } from '../../shared/ip-port.js';
import { errorPayload, RoutexError } from '../../shared/errors/routex-error.js';
import {
  listenerKey,
  type ConnectionInfo,
  type HandedOverSession,
  type ListenerFailure,
  type ListenerStatus,
  type UpstreamInfo,
  type UpstreamSelector,
  type WorkerMessage,
} from '../../shared/ipc/protocol.js';
import { UpstreamHealth, upstreamInfo } from '../health/upstream-health.js';
import type { Pool } from '../balancer/pool.js';
import { RouteSet } from '../routing/route-set.js';
import { ROUTING_REJECTED, RoutingContext } from '../routing/routing-context.js';
import { TcpListener } from '../listeners/tcp-listener.js';
import { TcpRelay } from '../listeners/tcp-relay.js';
import { UdpListener } from '../listeners/udp-listener.js';
import { UdpSession, type UdpSessionHost } from '../listeners/udp-session.js';
import { HandedOverSessions } from '../listeners/udp-handover.js';
import type { ReceivedHandle } from '../listeners/adopted-handle.js';
import type { RelayHost } from '../listeners/relay-host.js';
import { createProxyCounters } from './proxy-counters.js';
import { TimeoutSweeper } from './timeout-sweeper.js';
import { ThrottledWarning } from './throttled-warning.js';
import { FdMonitor } from './fd-monitor.js';
import { Admission } from './admission.js';
import { coarseClock } from './clock.js';
import { AclEnforcer } from './acl-enforcer.js';
import type { WorkerLogger } from './worker-logger.js';
import { Protection, type ProtectedConnections } from './protection.js';
import { FirstBytesPlan } from '../first-bytes/first-bytes-plan.js';
import { FirstBytesReader, type FirstBytesHost } from '../first-bytes/first-bytes-reader.js';
import { reject, type FirstBytesContext, type FirstBytesStep, type Rejection } from '../first-bytes/first-bytes-step.js';
import type { BanTarget } from '../l7/ban-table.js';
import { reachedAddress, sentUniqueId, tcpHeader, udpHeader } from '../proxy-protocol/send-headers.js';
import { UniqueIds } from '../proxy-protocol/unique-ids.js';
import { HeaderReceiver } from '../proxy-protocol/header-receiver.js';
import { PROXY_PROTOCOL_REFUSED, receiveStep } from '../proxy-protocol/receive-step.js';

/** How long first bytes may take when neither slow_connection nor `timeouts.client_read` bounds it. */
const FIRST_BYTES_FALLBACK_MS = 30_000;

const EMPTY = new Uint8Array(0);
const REFUSED_BY_ACL: Rejection = reject('acl', null, 'denied by the acl');
const REFUSED_SUSPENDED: Rejection = reject('suspended', null, 'the proxy is suspended');

export interface StartedListeners {
  listeners: ListenerStatus[];
  listenErrors: ListenerFailure[];
}

/**
 * Everything one proxy runs: listeners, the upstream pool, live TCP relays and UDP sessions,
 * counters and the timeout sweep. Holds nothing that must survive the process.
 */
export class ProxyRuntime implements RelayHost, UdpSessionHost, FirstBytesHost, ProtectedConnections {
  readonly counters = createProxyCounters();
  /** File descriptors: open, the limit, and running out (sampled with each counter report). */
  readonly descriptors: FdMonitor;
  readonly admission = new Admission();
  readonly acl = new AclEnforcer(this.admission);
  readonly protection: Protection;
  /** Connections whose first bytes are being read; none while no step needs bytes. */
  readonly pending = new Set<FirstBytesReader>();
  /** The first-bytes steps per transport, or null when none reads bytes (then nothing is buffered). */
  private tcpPlan: FirstBytesPlan | null = null;
  private udpPlan: FirstBytesPlan | null = null;
  /** proxy_protocol.receive on UDP, or null when UDP listeners read no headers. */
  private udpReceiver: HeaderReceiver | null = null;
  routes: RouteSet;
  /** Routing by host name and the proxy's own answers (status cache, offline status, A2S). */
  private routing!: RoutingContext;
  readonly relays = new Map<number, TcpRelay>();
  readonly sessions = new Map<number, UdpSession>();
  /** The UNIQUE_ID values of the PROXY headers this worker sends. */
  readonly uniqueIds = new UniqueIds();
  private readonly tcpListeners: TcpListener[] = [];
  private readonly udpListeners: UdpListener[] = [];
  private readonly sweeper: TimeoutSweeper;
  private readonly noUpstreamWarning: ThrottledWarning;
  private readonly sessionCapWarning: ThrottledWarning;
  private readonly proxyHeaderWarning: ThrottledWarning;
  private readonly health: UpstreamHealth;
  private nextConnectionId = 1;
  private draining = false;
  private onIdle: (() => void) | null = null;
  /** The predecessor's UDP sessions, kept on their upstream when their client writes here. */
  private readonly handedOver = new HandedOverSessions();

  constructor(
    public config: ProxyConfig,
    readonly logger: WorkerLogger,
    notify: (message: WorkerMessage) => void = () => undefined,
  ) {
    this.descriptors = new FdMonitor(this.counters, logger);
    this.health = new UpstreamHealth(logger, notify, (upstream) => this.routing.healthChanged(upstream));
    this.routes = new RouteSet(config);
    this.acl.apply(config);
    this.protection = new Protection(this, notify, (message, fields) => logger.info(message, fields));
    this.proxyHeaderWarning = new ThrottledWarning(logger, 'connection refused by proxy_protocol.receive');
    this.applyProtection(config);
    this.sweeper = new TimeoutSweeper(this);
    this.noUpstreamWarning = new ThrottledWarning(logger, 'no healthy upstream, connection refused');
    this.sessionCapWarning = new ThrottledWarning(logger, 'udp session cap reached, datagram dropped');
  }

  /** The default route's pool: the proxy's own dest-ip/dest-port. */
  get pool(): Pool {
    return this.routes.defaultRoute.pool;
  }

  /**
   * Serves the listeners the supervisor handed a socket for (`handles` by `listenerKey`); a
   * listener without one failed to bind there and was reported by the supervisor. With
   * `udpPaused`, UDP is read only once `adoptSessions` brings the predecessor's sessions.
   */
  async start(handles: ReadonlyMap<string, ReceivedHandle>, udpPaused: boolean): Promise<StartedListeners> {
    const started: StartedListeners = { listeners: [], listenErrors: [] };
    if (this.config.dataPath === 'kernel') {
      // nftables carries this proxy's packets: the worker is its control plane (health checks,
      // manual eject/readmit), and the supervisor turns each health change into map elements.
      this.health.start(this.routes, this.config);
      return started;
    }
    for (const spec of this.config.listeners) {
      const status = { ip: spec.ip, port: spec.port, protocol: spec.protocol };
      const handle = handles.get(listenerKey(status));
      if (handle === undefined) continue;
      try {
        await this.startListener(spec, handle, udpPaused);
        started.listeners.push(status);
      } catch (error) {
        started.listenErrors.push({ listener: status, error: errorPayload(error, 'ERR_LISTEN_FAILED') });
      }
    }
    if (started.listeners.length === 0 && this.config.listeners.length > 0) {
      const first = started.listenErrors[0]?.error;
      throw new RoutexError(first?.code ?? 'ERR_LISTEN_FAILED', first?.message ?? 'no listening socket was handed over');
    }
    this.sweeper.start();
    this.health.start(this.routes, this.config);
    return started;
  }

  /**
   * A successor's view of the predecessor's UDP sessions (see `HandedOverSessions`); UDP reading
   * starts now. Entries wait at most one session timeout for their client.
   */
  adoptSessions(sessions: readonly HandedOverSession[]): void {
    this.handedOver.add(sessions, this.config.timeouts.udpSessionMs);
    for (const listener of this.udpListeners) listener.resumeReading();
  }

  /**
   * Applies a config with the same listener set. Live connections are not touched, except those
   * of clients a changed ACL now denies (when it says `close_existing_on_deny`).
   */
  reconfigure(config: ProxyConfig): void {
    const previous = this.config;
    this.config = config;
    if (this.acl.apply(config, previous)) this.closeDeniedByAcl();
    this.applyProtection(config);
    this.routes = new RouteSet(config, this.routes);
    this.logger.level = config.logging.level;
    this.sweeper.restart();
    this.health.start(this.routes, config);
  }

  listUpstreams(): UpstreamInfo[] {
    return this.routes.all.flatMap((route) => route.pool.upstreams.map((u) => upstreamInfo(u, route.name)));
  }

  eject(selector: UpstreamSelector): number {
    return this.health.eject(this.routes, selector);
  }

  readmit(selector: UpstreamSelector): number {
    return this.health.readmit(this.routes, selector);
  }

  /** Closes this worker's listening descriptors (the supervisor's keep the ports). */
  closeListeners(): void {
    for (const listener of this.tcpListeners) listener.close();
    for (const listener of this.udpListeners) listener.close();
  }

  /**
   * The first step of a drain: stop accepting and reading at once. With `handover`, a successor
   * reads the same UDP sockets: each UDP listener stops reading but keeps replying for its live
   * sessions, which are returned for the successor and no longer counted here (they live on
   * there). Without it, UDP listeners close and end their sessions.
   */
  stopServing(handover: boolean): HandedOverSession[] {
    this.draining = true;
    for (const listener of this.tcpListeners) listener.close();
    const handedOver: HandedOverSession[] = [];
    for (const listener of this.udpListeners) {
      if (!handover) {
        listener.close();
        continue;
      }
      for (const session of listener.handOver()) {
        session.handedOver = true;
        this.counters.activeUdpSessions--;
        const record: HandedOverSession = { listener: listener.key, clientAddress: session.clientAddress, clientPort: session.peerPort, upstreamIp: session.upstream.ip, upstreamPort: session.upstream.port };
        // A client named by a PROXY header: the successor cannot read it again (a sender with udp_header: first sent it once).
        if (session.peerPort !== session.clientPort || unmapIpv4(session.clientAddress) !== session.clientIp) record.proxied = { ip: session.clientIp, port: session.clientPort };
        if (session.roundTripProved) record.roundTripProved = true;
        handedOver.push(record);
      }
    }
    this.handedOver.clear();
    return handedOver;
  }

  /**
   * Lets live TCP connections (those still in their first-bytes stage too: they are bounded by
   * its timeout) and handed-over UDP sessions finish for up to `timeoutMs`, then closes what is
   * left. Resolves with how many connections had to be closed by the timeout.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (!this.draining) this.stopServing(false);
    if (!this.idle() && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.health.stop();
    const leftOver = this.relays.size + this.pending.size;
    for (const reader of [...this.pending]) reader.destroy();
    for (const relay of [...this.relays.values()]) relay.destroy('drain timeout');
    this.closeListeners();
    this.sweeper.stop();
    this.protection.close();
    return leftOver;
  }

  /** Nothing left to drain: no relay, no session, no connection still in its first-bytes stage. */
  private idle(): boolean {
    return this.relays.size === 0 && this.sessions.size === 0 && this.pending.size === 0;
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
    if (this.draining && this.idle()) this.onIdle?.();
  }

  sessionEnded(session: UdpSession, reason: string): void {
    this.sessions.delete(session.id);
    session.listener.forget(session);
    // A handed-over session was already uncounted here: it lives on in the successor.
    if (!session.handedOver) {
      this.counters.activeUdpSessions--;
      if (this.config.logging.logConnections) this.logClose('udp session closed', session, reason, 'udp');
    }
    if (this.draining && this.idle()) this.onIdle?.();
  }

  private closeDeniedByAcl(): void {
    const live: [string, { close(reason: string): void }][] = [];
    for (const relay of this.relays.values()) live.push([relay.clientAddress.ip, { close: (reason) => relay.destroy(reason) }]);
    for (const session of this.sessions.values()) live.push([session.clientIp, { close: (reason) => session.end(reason) }]);
    const closed = this.acl.closeDenied(live);
    if (closed > 0) this.logger.info('connections closed by acl change', { connections: closed });
  }

  private async startListener(spec: ListenerSpec, handle: ReceivedHandle, udpPaused: boolean): Promise<void> {
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
      await listener.start(handle, network.listenBacklog);
      this.tcpListeners.push(listener);
    } else {
      const listener = new UdpListener(
        spec,
        { readBufferBytes: network.udpReadBuffer, writeBufferBytes: network.udpWriteBuffer },
        this.openUdpSession,
      );
      listener.start(handle, udpPaused);
      this.udpListeners.push(listener);
    }
  }

  private readonly acceptTcp = (socket: net.Socket, spec: ListenerSpec, client: ClientAddress): void => {
    const plan = this.tcpPlan;
    if (plan === null) {
      const refused = this.admit(client.ip, 'tcp');
      if (refused !== null) {
        this.refuse(refused, 'tcp', client.ip, spec.port);
        socket.destroy();
        return;
      }
      this.dialTcp(socket, spec, client, null, false);
      return;
    }
    const ctx: FirstBytesContext = { protocol: 'tcp', listener: spec, client, bytes: EMPTY, start: 0, end: 0, complete: false, route: null, reached: null };
    const reader = new FirstBytesReader(socket, ctx, plan, this);
    this.pending.add(reader);
    reader.start();
  };

  firstBytesPassed(socket: net.Socket, ctx: FirstBytesContext, replay: Buffer | null, clientEnded: boolean): void {
    this.dialTcp(socket, ctx.listener, ctx.client, replay, clientEnded, ctx.reached ?? null, ctx.route, ctx.dialFailed);
  }

  firstBytesRejected(socket: net.Socket, ctx: FirstBytesContext, rejection: Rejection): void {
    this.refuse(rejection, 'tcp', ctx.client.ip, ctx.listener.port);
    socket.destroy();
  }

  firstBytesSettled(reader: FirstBytesReader): void {
    this.pending.delete(reader);
    // A reader that passed becomes a relay right after this call: look once it has.
    if (this.draining) queueMicrotask(() => this.idle() && this.onIdle?.());
  }

  /** Closes every live connection, session and pending connection of the clients `target` covers. */
  closeCovered(target: BanTarget, reason: string): number {
    let closed = 0;
    const live: [string, () => void][] = [];
    for (const relay of this.relays.values()) live.push([relay.clientAddress.ip, () => relay.destroy(reason)]);
    for (const session of this.sessions.values()) live.push([session.clientIp, () => session.end(reason)]);
    for (const reader of this.pending) live.push([reader.ctx.client.ip, () => reader.destroy()]);
    for (const [ip, close] of live) {
      if (!target.covers(ip)) continue;
      close();
      closed++;
    }
    return closed;
  }

  /**
   * `reached`: the address the client reached, when a PROXY header said so (else the listener's);
   * `routeName`: the route a first-bytes step chose (null = the listener's own group of the
   * default route); `dialFailed`: who answers the client if no upstream can be reached.
   */
  private dialTcp(
    socket: net.Socket,
    spec: ListenerSpec,
    client: ClientAddress,
    replay: Buffer | null,
    clientEnded: boolean,
    reached: ClientAddress | null = null,
    routeName: string | null = null,
    dialFailed?: (client: net.Socket) => void,
  ): void {
    if (this.admission.suspendedReason !== null) {
      this.refuse(REFUSED_SUSPENDED, 'tcp', client.ip, spec.port);
      socket.destroy();
      return;
    }
    const route = this.routes.get(routeName);
    const upstream = route.pool.pick(routeName === null ? spec.group : 0, client.ip);
    if (upstream === undefined) {
      this.counters.noHealthyUpstream++;
      this.noUpstreamWarning.hit({ client: client.ip, listener: spec.port });
      if (dialFailed !== undefined) dialFailed(socket);
      else socket.destroy();
      return;
    }
    const guard = this.protection.engine?.tcpGuard(client.ip) ?? null;
    const id = this.nextConnectionId++;
    const send = this.config.proxyProtocol.send;
    const header = send.tcp === 'off' ? null : tcpHeader(send, client, reached ?? reachedAddress(spec, socket), this.uniqueIds, id);
    const relay = new TcpRelay(id, this, socket, client, spec.port, upstream, replay, clientEnded, guard, header);
    relay.connectFallback = dialFailed ?? null;
    route.connections++;
    this.relays.set(relay.id, relay);
    this.counters.activeTcpConnections++;
    this.counters.tcpConnections++;
    if (this.config.logging.logConnections) {
      const uniqueId = sentUniqueId(send, 'tcp', this.uniqueIds, id);
      this.logger.info('connection accepted', { client: client.ip, clientPort: client.port, listener: spec.port, upstream: upstream.key, ...(uniqueId && { uniqueId }) });
    }
  }

  /**
   * What a new connection or UDP session passes before its first bytes are read: the ACLs,
   * then the ban list and L7 connection cycling. The bandwidth suspension comes after the
   * first bytes, just before the balancer.
   */
  private admit(ip: string, protocol: 'tcp' | 'udp'): Rejection | null {
    const aclAllows = this.admission.aclAllows;
    if (aclAllows !== null && !aclAllows(ip)) return REFUSED_BY_ACL;
    return this.protection.admit(ip, protocol);
  }

  /** The first-bytes plans for this config: null for a transport where no step reads bytes. */
  private applyProtection(config: ProxyConfig): void {
    this.protection.apply(config);
    this.routing = new RoutingContext(config, this);
    const fallbackMs = config.timeouts.clientReadMs > 0 ? config.timeouts.clientReadMs : FIRST_BYTES_FALLBACK_MS;
    const admission: FirstBytesStep = { name: 'admission', maxBytes: 0, decide: (ctx) => this.admit(ctx.client.ip, ctx.protocol) ?? 'pass' };
    const receive = config.proxyProtocol.receive;
    const receiverFor = (protocol: 'tcp' | 'udp'): HeaderReceiver | null =>
      receive.enabled && (protocol === 'tcp' ? receive.onTcp : receive.onUdp) ? new HeaderReceiver(receive, protocol) : null;
    const countHeader = (): void => {
      this.counters.proxyProtocolHeaders++;
    };
    const plan = (protocol: 'tcp' | 'udp', receiver: HeaderReceiver | null): FirstBytesPlan | null => {
      // Routing and answers come after the L7 steps: they only see bytes L7 let through.
      const routing = protocol === 'tcp' ? this.routing.tcpSteps() : this.routing.udpSteps();
      const steps = [...this.protection.steps(protocol, fallbackMs), ...routing];
      // The PROXY header goes first: the ACL, bans and every L7 step read the address it gives.
      const first = receiver === null ? [] : [receiveStep(receiver, countHeader)];
      return steps.length === 0 && receiver === null ? null : new FirstBytesPlan([...first, admission, ...steps], fallbackMs);
    };
    this.udpReceiver = receiverFor('udp');
    this.tcpPlan = plan('tcp', receiverFor('tcp'));
    this.udpPlan = plan('udp', this.udpReceiver);
  }

  /** `clientAddress`, `peerPort`: the datagram's sender as the listening socket saw it. */
  private readonly openUdpSession = (listener: UdpListener, clientAddress: string, peerPort: number, datagram: Buffer): UdpSession | undefined => {
    const handedOver = this.handedOver.take(listener.key, clientAddress, peerPort);
    if (handedOver !== undefined) {
      const adopted = this.adoptUdpSession(listener, clientAddress, peerPort, handedOver);
      if (adopted !== undefined) return adopted;
    }
    if (this.sessions.size >= this.config.udpMaxSessions) {
      this.counters.udpDropped++;
      this.sessionCapWarning.hit({ limit: this.config.udpMaxSessions });
      return undefined;
    }
    const spec = listener.spec;
    let clientIp = unmapIpv4(clientAddress);
    let clientPort = peerPort;
    let reached: ClientAddress = spec;
    const plan = this.udpPlan;
    if (plan === null) {
      const refused = this.admit(clientIp, 'udp');
      if (refused !== null) {
        this.refuse(refused, 'udp', clientIp, spec.port);
        return undefined;
      }
    } else {
      const ctx: FirstBytesContext = { protocol: 'udp', listener: spec, client: { ip: clientIp, port: peerPort }, bytes: datagram, start: 0, end: datagram.length, complete: true, route: null, reached: null };
      const outcome = plan.run(ctx, { index: 0 });
      if (outcome !== 'done') {
        if (outcome === 'need-more') return undefined;
        if (outcome.kind === 'reject') this.refuse(outcome, 'udp', ctx.client.ip, spec.port);
        else outcome.udp?.((reply) => listener.sendTo(clientAddress, peerPort, reply), ctx);
        return undefined;
      }
      clientIp = ctx.client.ip;
      clientPort = ctx.client.port;
      reached = ctx.reached ?? spec;
    }
    if (this.admission.suspendedReason !== null) {
      this.refuse(REFUSED_SUSPENDED, 'udp', clientIp, spec.port);
      return undefined;
    }
    const upstream = this.pool.pick(spec.group, clientIp);
    if (upstream === undefined) {
      this.counters.udpDropped++;
      this.noUpstreamWarning.hit({ client: clientIp, listener: spec.port });
      return undefined;
    }
    const guard = this.protection.engine?.udpGuard(clientIp) ?? null;
    const id = this.nextConnectionId++;
    const send = this.config.proxyProtocol.send;
    const header = send.udp === 'off' ? null : udpHeader(send, { ip: clientIp, port: clientPort }, reached, this.uniqueIds, id);
    const session = new UdpSession(id, this, listener, clientAddress, clientIp, clientPort, spec.port, upstream, guard, header, send.udpHeader === 'every', peerPort, this.inboundFor(clientAddress));
    this.routes.defaultRoute.connections++;
    this.sessions.set(session.id, session);
    this.counters.activeUdpSessions++;
    this.counters.udpSessionsTotal++;
    if (this.config.logging.logConnections) {
      const uniqueId = sentUniqueId(send, 'udp', this.uniqueIds, id);
      this.logger.info('udp session opened', { client: session.clientIp, clientPort, listener: spec.port, upstream: upstream.key, ...(uniqueId && { uniqueId }) });
    }
    return session;
  };

  /**
   * A client of the predecessor writes here for the first time: same upstream when it is still
   * a healthy member of the listener's group, and counted as active but not as a new session.
   * A client the ACL denies or the ban list holds, or whose upstream is gone, is treated as new
   * (and checked so). L7 connection cycling does not count an adoption as a new connection.
   */
  private adoptUdpSession(listener: UdpListener, clientAddress: string, peerPort: number, handedOver: HandedOverSession): UdpSession | undefined {
    const clientIp = handedOver.proxied?.ip ?? unmapIpv4(clientAddress);
    const clientPort = handedOver.proxied?.port ?? peerPort;
    const upstream = this.pool.healthyMember(listener.spec.group, handedOver.upstreamIp, handedOver.upstreamPort);
    const aclAllows = this.admission.aclAllows;
    if (upstream === undefined || (aclAllows !== null && !aclAllows(clientIp)) || this.protection.bans.isBanned(clientIp, coarseClock.now)) return undefined;
    const guard = this.protection.engine?.udpGuard(clientIp, handedOver.roundTripProved === true) ?? null;
    const id = this.nextConnectionId++;
    // A new upstream socket, so a new source port: a backend reading PROXY headers must get one again.
    const send = this.config.proxyProtocol.send;
    const header = send.udp === 'off' ? null : udpHeader(send, { ip: clientIp, port: clientPort }, listener.spec, this.uniqueIds, id);
    const session = new UdpSession(id, this, listener, clientAddress, clientIp, clientPort, listener.spec.port, upstream, guard, header, send.udpHeader === 'every', peerPort, this.inboundFor(clientAddress));
    this.sessions.set(session.id, session);
    this.counters.activeUdpSessions++;
    return session;
  }

  /** The receiver that strips a trusted peer's PROXY headers from its session's datagrams, or null. */
  private inboundFor(peerAddress: string): HeaderReceiver | null {
    const receiver = this.udpReceiver;
    return receiver !== null && receiver.isTrusted(unmapIpv4(peerAddress)) ? receiver : null;
  }

  private refuse(rejection: Rejection, protocol: 'tcp' | 'udp', clientIp: string, listenerPort: number): void {
    const reason = rejection.reason;
    if (reason === 'acl') this.counters.aclDenied++;
    else if (reason === 'suspended') this.counters.suspendedRefused++;
    else if (reason === PROXY_PROTOCOL_REFUSED) {
      this.counters.proxyProtocolRefused++;
      this.proxyHeaderWarning.hit({ protocol, peer: clientIp, listener: listenerPort, detail: rejection.detail });
    } else if (reason === ROUTING_REJECTED) this.counters.routingRejected++;
    else {
      this.protection.counters.block(reason);
      if (rejection.event !== null) this.protection.engine?.offence(clientIp, rejection.event, rejection.detail, protocol, protocol === 'tcp' ? 'rejected' : 'dropped');
    }
    if (this.config.logging.logConnections) {
      const message = reason === 'acl' ? 'connection denied by acl' : reason === 'suspended' ? 'connection refused, proxy suspended' : 'connection refused';
      this.logger.info(message, { protocol, client: clientIp, listener: listenerPort, reason, detail: rejection.detail });
    }
  }

  private logClose(message: string, conn: TcpRelay | UdpSession, reason: string, protocol: 'tcp' | 'udp'): void {
    const info = conn.info();
    const uniqueId = sentUniqueId(this.config.proxyProtocol.send, protocol, this.uniqueIds, conn.id);
    const fields: Record<string, unknown> = {
      ...(uniqueId && { uniqueId }),
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
