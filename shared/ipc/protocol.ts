// The one definition of every message between the supervisor and a proxy worker. Both sides use
// Node's built-in fork channel (`process.send` / `child.on('message')`), which serialises these
// plain objects. Three kinds: requests (imperative, `proxy.start`; each carries an `id` and gets
// exactly one reply with that `replyTo`), commands (imperative, never answered) and facts (past
// tense, `health.changed`). Each side dispatches from a handler table the compiler checks for
// exhaustiveness. Adding a message: see "Adding an IPC message" in the README.
import type { ProxyConfig, LogLevel, TransportProtocol } from '../config/resolved-types.js';
import type { AclCounts } from '../acl/acl-counts.js';
import type { WorkerValues } from '../counters/counters.js';
import type { Ban } from '../bans/ban.js';
import type { L7Event } from '../l7/l7-event.js';
import type { ErrorPayload } from '../errors/routex-error.js';
import { formatIpPort } from '../ip-port.js';

export interface ListenerStatus {
  ip: string;
  port: number;
  protocol: TransportProtocol;
}

/** `tcp 127.0.0.1:25565`: names a listener in logs and matches a handed socket to its spec. */
export function listenerKey(listener: ListenerStatus): string {
  return `${listener.protocol} ${formatIpPort(listener.ip, listener.port)}`;
}

/** A listener that could not be bound (supervisor) or listened on (worker). */
export interface ListenerFailure {
  listener: ListenerStatus;
  error: ErrorPayload;
}

/**
 * A UDP session a draining worker hands to its successor: the client's next datagrams reach the
 * successor, which keeps the client on the same upstream instead of counting a new session.
 */
export interface HandedOverSession {
  /** `listenerKey` of the listener the client talks to. */
  listener: string;
  /** The client address exactly as the listening socket saw it. */
  clientAddress: string;
  clientPort: number;
  upstreamIp: string;
  upstreamPort: number;
  /** The client a trusted peer's PROXY header named for this session, when not the peer itself. */
  proxied?: { ip: string; port: number };
  /** The client proved a round trip (L7 amplification): the successor does not measure it again. */
  roundTripProved?: boolean;
}

/** One upstream in a counter report: which one, its health, and its worker-sourced values. */
export type UpstreamCounters = { ip: string; port: number; healthy: boolean } & WorkerValues<'upstream'>;

/** One route in a counter report: its name and its worker-sourced values. */
export type RouteCounters = { route: string } & WorkerValues<'route'>;

/**
 * What a worker reports once a second: every worker-sourced proxy value of the counter table
 * (counters as deltas since the previous report, gauges as levels), per-upstream values, and
 * the ACL's per-layer and per-rule counts (deltas), and per-route values.
 */
export type CounterReport = WorkerValues<'proxy'> & { acl: AclCounts; l7: L7Counts; upstreams: UpstreamCounters[]; routes?: RouteCounters[] };

/** The L7 layer's deltas: new connections, sessions and datagrams blocked per reason, events per type. */
export interface L7Counts {
  blocked: Record<string, number>;
  events: Record<string, number>;
}

export interface ConnectionInfo {
  id: number;
  protocol: TransportProtocol;
  clientIp: string;
  clientPort: number;
  listenerPort: number;
  upstreamIp: string;
  upstreamPort: number;
  bytesIn: number;
  bytesOut: number;
  startedAt: string;
}

export interface UpstreamInfo {
  /** The route whose pool holds it ("default": the proxy's own dest-ip/dest-port). */
  route: string;
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  probeHealthy: boolean;
  manuallyEjected: boolean;
  activeConnections: number;
  totalConnections: number;
  consecutiveFailures: number;
  consecutivePasses: number;
  lastProbeAt: string | null;
  lastProbeLatencyMs: number | null;
  lastProbeError: string | null;
}

/** Which upstreams a manual eject/readmit targets: every port of `ip`, or exactly ip:port. */
export interface UpstreamSelector {
  ip: string;
  port?: number;
}

/** Params of a message that carries none. */
type NoParams = Record<never, never>;

// ── Supervisor → worker: requests, answered once, matched by id ─────────────────────────────
export interface RequestMap {
  /**
   * Starts the proxy on the listening sockets handed over before it (`listener.handed`);
   * answered once it serves them, with those it could not listen on. `suspendedReason`: the proxy
   * starts suspended (bandwidth quota used up) when not null; `bans`: the ban list it enforces
   * from the first connection; `udpHandover`: a predecessor still serves, so UDP listeners stay
   * paused until `udp.sessions-handed-over` brings its sessions. A worker whose start failed
   * exits once the failure is sent.
   */
  'proxy.start': {
    params: { config: ProxyConfig; suspendedReason: string | null; bans: Ban[]; udpHandover: boolean };
    result: { listeners: ListenerStatus[]; listenErrors: ListenerFailure[] };
  };
  /** Applies a config with the same listeners; live connections stay. */
  'proxy.reconfigure': { params: { config: ProxyConfig }; result: Record<string, never> };
  /**
   * Stops serving the listeners and answers (no accept or read any more), lets live connections
   * finish within `timeoutMs` (0 = close them now), reports `worker.drained`, and exits. With
   * `handover`, a successor serves the same sockets: UDP listeners stop reading but keep replying
   * for their sessions, which the answer lists.
   */
  'proxy.drain': { params: { timeoutMs: number; handover: boolean }; result: { udpSessions: HandedOverSession[] } };
  'connections.list': { params: NoParams; result: ConnectionInfo[] };
  'connection.kill': { params: { connectionId: number }; result: { killed: boolean } };
  'upstreams.list': { params: NoParams; result: UpstreamInfo[] };
  'upstream.eject': { params: UpstreamSelector; result: { affected: number } };
  'upstream.readmit': { params: UpstreamSelector; result: { affected: number } };
}
export type RequestName = keyof RequestMap;
export type RequestParams<N extends RequestName> = RequestMap[N]['params'];
export type RequestResult<N extends RequestName> = RequestMap[N]['result'];
export type RequestMessage<N extends RequestName = RequestName> = { [K in N]: { type: K; id: number } & RequestParams<K> }[N];

// ── Supervisor → worker: commands, not answered ──────────────────────────────────────────────
export interface CommandMap {
  /**
   * Sent with a listening socket the supervisor bound (the message's handle), once per listener,
   * before `proxy.start`. The worker serves only the listeners it was handed.
   */
  'listener.handed': { listener: ListenerStatus };
  /** The predecessor's UDP sessions: the worker keeps those clients on their upstream and starts reading UDP. */
  'udp.sessions-handed-over': { sessions: HandedOverSession[] };
  /** Refuse new TCP connections and new UDP sessions (live ones continue) until `proxy.resume`. */
  'proxy.suspend': { reason: string };
  'proxy.resume': NoParams;
  /** Bans to enforce now (closing the connections they cover). */
  'bans.added': { bans: Ban[] };
  /** Bans lifted. */
  'bans.removed': { targets: string[] };
}
export type CommandName = keyof CommandMap;
export type CommandMessage<N extends CommandName = CommandName> = { [K in N]: { type: K } & CommandMap[K] }[N];

export type SupervisorMessage = RequestMessage | CommandMessage;

// ── Worker → supervisor: replies to requests ─────────────────────────────────────────────────
export type ReplyMessage =
  | { type: 'request.answered'; replyTo: number; result: unknown }
  | { type: 'request.failed'; replyTo: number; error: ErrorPayload };

// ── Worker → supervisor: facts ───────────────────────────────────────────────────────────────
export interface FactMap {
  /** The drain is over (`closedByTimeout` connections were cut at its end); the worker exits next. */
  'worker.drained': { closedByTimeout: number };
  'counters.reported': { counters: CounterReport };
  /** An upstream's effective health changed (probe verdict or manual eject/readmit). */
  'health.changed': { ip: string; port: number; healthy: boolean; cause: 'probe' | 'manual' };
  'log.recorded': { level: LogLevel; message: string; fields: Record<string, unknown> };
  /** The L7 engine banned an IP here (already enforced in this worker); the supervisor bans it everywhere. */
  'ban.requested': { target: string; durationMs: number; reason: string };
  /** L7 events of the last second; `dropped` more did not fit in the batch. */
  'l7.events-recorded': { events: L7Event[]; dropped: number };
}
export type FactName = keyof FactMap;
export type FactMessage<N extends FactName = FactName> = { [K in N]: { type: K } & FactMap[K] }[N];

export type WorkerMessage = ReplyMessage | FactMessage;

// ── Handler tables: one handler per message type, or the build fails ─────────────────────────
/** One handler per member of the union `M`, keyed by its `type`; `context` is what every handler gets. */
export type MessageHandlers<M extends { type: string }, Context = void> = {
  readonly [T in M['type']]: (message: Extract<M, { type: T }>, context: Context) => void;
};

/** One handler per request of `Map` (all of `RequestMap` by default), returning (or resolving to) its result. */
export type RequestHandlers<Context, Map extends Record<keyof Map, { params: object; result: unknown }> = RequestMap> = {
  readonly [N in keyof Map & string]: (message: { type: N; id: number } & Map[N]['params'], context: Context) => Map[N]['result'] | Promise<Map[N]['result']>;
};

/**
 * Guards the envelope at the process boundary: an object whose `type` is a key of `table` (a
 * handler table, so the accepted tags are exactly the handled ones). Inside, types are trusted.
 */
export function isMessageOf<M extends { type: string }>(value: unknown, table: Readonly<Record<M['type'], unknown>>): value is M {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(table, type);
}

/** The fact tags, checked by the compiler against `FactMap` (none missing, none extra). */
export const FACT_TYPES: Readonly<Record<FactName, true>> = {
  'worker.drained': true,
  'counters.reported': true,
  'health.changed': true,
  'log.recorded': true,
  'ban.requested': true,
  'l7.events-recorded': true,
};
