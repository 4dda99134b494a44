// The one definition of every message between the supervisor and a proxy worker. Both sides use
// Node's built-in fork channel (`process.send` / `child.on('message')`), which serialises these
// plain objects. Commands are imperative (`proxy.start`), facts past tense (`worker.ready`).
import type { ProxyConfig, LogLevel } from '../config/resolved-types.js';
import type { AclCounts } from '../acl/acl-counts.js';
import type { WorkerValues } from '../counters/counters.js';
import type { Ban } from '../bans/ban.js';
import type { L7Event } from '../l7/l7-event.js';

export interface ListenerStatus {
  ip: string;
  port: number;
  protocol: 'tcp' | 'udp';
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
  /** `suspendedReason`: the proxy starts suspended (bandwidth quota used up) when not null. */
  | { type: 'proxy.start'; config: ProxyConfig; suspendedReason: string | null; bans: Ban[] }
  | { type: 'proxy.reconfigure'; config: ProxyConfig }
  /** Close listeners, let live connections finish within `timeoutMs` (0 = close them now), exit. */
  | { type: 'proxy.drain'; timeoutMs: number }
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
  | { type: 'worker.ready'; listeners: ListenerStatus[] }
  /** Start failed (e.g. a port is taken); the worker exits right after. */
  | { type: 'worker.failed'; error: ErrorPayload }
  | { type: 'worker.reconfigured' }
  | { type: 'worker.reconfigure-failed'; error: ErrorPayload }
  /** Listeners are closed during a drain: their ports are free for a successor. */
  | { type: 'worker.listeners-closed' }
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

const SUPERVISOR_TYPES = new Set(['proxy.start', 'proxy.reconfigure', 'proxy.drain', 'proxy.suspend', 'proxy.resume', 'bans.added', 'bans.removed', 'query']);

/** Guards the envelope at the process boundary; inside, the types are trusted. */
export function isSupervisorMessage(value: unknown): value is SupervisorMessage {
  return typeof value === 'object' && value !== null && SUPERVISOR_TYPES.has((value as { type?: string }).type ?? '');
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
