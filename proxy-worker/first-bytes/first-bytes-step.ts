// The first-bytes stage sits between accepting a connection and dialling its upstream. It is a
// list of steps; each looks at the bytes read so far and decides. How to add a step: see
// README.md, "Development" → "Adding a first-bytes step".
import type { ClientAddress } from '../../shared/client-address.js';
import type { ListenerSpec } from '../../shared/config/resolved-types.js';

/** What one step sees. Steps may change `client`, `start` and `route` for the steps after them. */
export interface FirstBytesContext {
  readonly protocol: 'tcp' | 'udp';
  readonly listener: ListenerSpec;
  /**
   * The client address every later layer reads (ACL, bans, L7, balancer, logs). A step that
   * learns the real address (a PROXY protocol header) replaces it.
   */
  client: ClientAddress;
  /** The bytes read so far (TCP) or the datagram (UDP), valid in `[start, end)`. */
  bytes: Uint8Array;
  /**
   * Where the bytes still to be sent upstream begin. A step that consumes a prefix meant for
   * RouteX only (a PROXY header) moves it past that prefix, which is then not replayed.
   */
  start: number;
  end: number;
  /** No more bytes will come: a UDP datagram, or a TCP client that ended its side. */
  complete: boolean;
  /** The pool chosen by a routing step; null = the listener's own group. */
  route: string | null;
  /**
   * The address the client reached, when a step learned it (a PROXY header's destination); null =
   * the listener's own. The PROXY header RouteX sends onward carries it.
   */
  reached?: ClientAddress | null;
  /**
   * What the client gets if the upstream chosen for it never connects, set by a step that has
   * an answer for that case (an offline status); unset = the client is closed.
   */
  dialFailed?: (client: import('node:net').Socket) => void;
}

export interface Rejection {
  readonly kind: 'reject';
  /** Counted per reason (`routex_l7_blocked_total{reason}`) and shown in logs. */
  readonly reason: string;
  /** Where it applies, the L7 event to record and score (null: counted only). */
  readonly event: string | null;
  readonly detail: string;
}

/** The step serves the client itself (a cached status, an offline message): no upstream is dialled. */
export interface LocalAnswer {
  readonly kind: 'answer';
  /** TCP: takes the socket over, with every byte read so far. */
  tcp?(socket: import('node:net').Socket, ctx: FirstBytesContext): void;
  /** UDP: answers the datagram through `reply`; no session is opened. */
  udp?(reply: (datagram: Uint8Array) => void, ctx: FirstBytesContext): void;
}

export interface RouteChoice {
  readonly kind: 'route';
  readonly route: string;
}

/**
 * - `need-more`: ask again when more bytes arrive (TCP only; on a complete input the stage turns
 *   it into a `payload_too_small` rejection).
 * - `pass`: this step is satisfied; the next one runs on the same bytes.
 * - a route: like pass, and later steps and the balancer use that pool.
 * - a rejection or a local answer ends the stage.
 */
export type StepDecision = 'need-more' | 'pass' | Rejection | RouteChoice | LocalAnswer;

export interface FirstBytesStep {
  /** Shown in logs and in the developer docs' step list. */
  readonly name: string;
  /** The most bytes (from `start`) this step may need before it decides; 0 = it needs none. */
  readonly maxBytes: number;
  /** How long after the accept this step may wait for its bytes; unset = the plan's default. */
  readonly timeoutMs?: number;
  decide(ctx: FirstBytesContext): StepDecision;
  /** The rejection when its time runs out; unset = `handshake_timeout`. */
  timedOut?(ctx: FirstBytesContext): Rejection;
}

export function reject(reason: string, event: string | null, detail: string): Rejection {
  return { kind: 'reject', reason, event, detail };
}
