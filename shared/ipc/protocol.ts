// The one definition of every message between the supervisor and a proxy worker. Both sides use
// Node's built-in fork channel (`process.send` / `child.on('message')`), which serialises these
// plain objects. Commands are imperative (`proxy.start`), facts past tense (`worker.ready`).
import type { ProxyConfig, LogLevel } from '../config/resolved-types.js';
import type { AclCounts } from '../acl/acl-counts.js';
import type { WorkerValues } from '../counters/counters.js';
import type { Ban } from '../bans/ban.js';
import type { L7Event } from '../l7/l7-event.js';
import { formatHostPort } from '../host-port.js';

export interface ListenerStatus {
  ip: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

/** `tcp 127.0.0.1:25565`: names a listener in logs and matches a handed socket to its spec. */
export function listenerKey(listener: ListenerStatus): string {
  return `${listener.protocol} ${formatHostPort(listener.ip, listener.port)}`;
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
}

/** One upstream in a counter report: which one, its health, and its worker-sourced values. */
export type UpstreamCounters = { ip: string; port: number; healthy: boolean } & WorkerValues<'upstream'>;

/**
 * What a worker reports once a second: every worker-sourced proxy value of the counter table
 * (counters as deltas since the previous report, gauges as levels), per-upstream values, and
 * the ACL's per-layer and per-rule counts (deltas).
 */
export type CounterReport = WorkerValues<'proxy'> & { acl: AclCounts; l7: L7Counts; upstreams: UpstreamCounters[] };

/** The L7 layer's deltas: new connections, sessions and datagrams blocked per reason, events per type. */
export interface L7Counts {
  blocked: Record<string, number>;
  events: Record<string, number>;
}

export interface ConnectionInfo {
  id: number;
  protocol: 'tcp' | 'udp';
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

// ── Queries: request/response pairs matched by id ────────────────────────────────────────────
export interface QueryMap {
  'connections.list': { params: Record<string, never>; result: ConnectionInfo[] };
  'connection.kill': { params: { id: number }; result: { killed: boolean } };
  'upstreams.list': { params: Record<string, never>; result: UpstreamInfo[] };
  'upstream.eject': { params: UpstreamSelector; result: { affected: number } };
  'upstream.readmit': { params: UpstreamSelector; result: { affected: number } };
}
export type QueryName = keyof QueryMap;

export interface QueryMessage<N extends QueryName = QueryName> {
  type: 'query';
  id: number;
  name: N;
  params: QueryMap[N]['params'];
}

// ── Supervisor → worker ──────────────────────────────────────────────────────────────────────
export type SupervisorMessage =
  /**
   * Sent with a listening socket the supervisor bound (the message's handle), once per listener,
   * before `proxy.start`. The worker serves only the listeners it was handed.
   */
  | { type: 'listener.handed'; listener: ListenerStatus }
  /**
   * `suspendedReason`: the proxy starts suspended (bandwidth quota used up) when not null.
   * `udpHandover`: a predecessor still serves; UDP listeners stay paused until
   * `udp.sessions-handed-over` brings its sessions.
   */
  | { type: 'proxy.start'; config: ProxyConfig; suspendedReason: string | null; bans: Ban[]; udpHandover: boolean }
  | { type: 'proxy.reconfigure'; config: ProxyConfig }
  /**
   * Stop serving the listeners, let live connections finish within `timeoutMs` (0 = close them
   * now), exit. With `handover`, a successor serves the same sockets: UDP listeners stop reading
   * but keep replying for their sessions, which are listed in `worker.listeners-closed`.
   */
  | { type: 'proxy.drain'; timeoutMs: number; handover: boolean }
  /** The predecessor's UDP sessions: the worker keeps those clients on their upstream and starts reading UDP. */
  | { type: 'udp.sessions-handed-over'; sessions: HandedOverSession[] }
  /** Refuse new TCP connections and new UDP sessions (live ones continue) until `proxy.resume`. */
  | { type: 'proxy.suspend'; reason: string }
  | { type: 'proxy.resume' }
  /** Bans to enforce now (closing the connections they cover), and bans lifted. */
  | { type: 'bans.added'; bans: Ban[] }
  | { type: 'bans.removed'; targets: string[] }
  | QueryMessage;

// ── Worker → supervisor ──────────────────────────────────────────────────────────────────────
export interface ErrorPayload {
  code: string;
  message: string;
}

export type WorkerMessage =
  /** `listeners`: served now; `listenErrors`: handed sockets the worker could not listen on. */
  | { type: 'worker.ready'; listeners: ListenerStatus[]; listenErrors: ListenerFailure[] }
  /** Start failed (e.g. a port is taken); the worker exits right after. */
  | { type: 'worker.failed'; error: ErrorPayload }
  | { type: 'worker.reconfigured' }
  | { type: 'worker.reconfigure-failed'; error: ErrorPayload }
  /** The worker no longer accepts or reads during a drain; `udpSessions` when it was asked to hand over. */
  | { type: 'worker.listeners-closed'; udpSessions: HandedOverSession[] }
  | { type: 'worker.drained'; closedByTimeout: number }
  | { type: 'counters.reported'; counters: CounterReport }
  /** An upstream's effective health changed (probe verdict or manual eject/readmit). */
  | { type: 'health.changed'; ip: string; port: number; healthy: boolean; cause: 'probe' | 'manual' }
  | { type: 'log.recorded'; level: LogLevel; message: string; fields: Record<string, unknown> }
  /** The L7 engine banned an IP here (already enforced in this worker); the supervisor bans it everywhere. */
  | { type: 'ban.requested'; target: string; durationMs: number; reason: string }
  /** L7 events of the last second; `dropped` more did not fit in the batch. */
  | { type: 'l7.events-recorded'; events: L7Event[]; dropped: number }
  | { type: 'query.answered'; replyTo: number; ok: true; result: unknown }
  | { type: 'query.failed'; replyTo: number; ok: false; error: ErrorPayload };

const SUPERVISOR_TYPES = new Set(['listener.handed', 'udp.sessions-handed-over', 'proxy.start', 'proxy.reconfigure', 'proxy.drain', 'proxy.suspend', 'proxy.resume', 'bans.added', 'bans.removed', 'query']);

/** Guards the envelope at the process boundary; inside, the types are trusted. */
export function isSupervisorMessage(value: unknown): value is SupervisorMessage {
  return typeof value === 'object' && value !== null && SUPERVISOR_TYPES.has((value as { type?: string }).type ?? '');
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
