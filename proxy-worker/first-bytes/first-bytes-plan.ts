// The steps a proxy runs on a new connection's first bytes, and the loop that runs them. Shared
// by the TCP reader (bytes arrive in segments) and the UDP path (one whole datagram).
import { reject, type FirstBytesContext, type FirstBytesStep, type LocalAnswer, type Rejection, type RouteChoice } from './first-bytes-step.js';

/** `done`: every step passed; dial (with `ctx.route`) and replay `bytes[start, end)`. */
export type StageOutcome = 'need-more' | 'done' | Rejection | LocalAnswer;

export const TOO_SMALL_DETAIL = 'the client stopped sending before its first bytes were complete';

export class FirstBytesPlan {
  /** Bytes the stage may hold for one connection: what all steps together may need. */
  readonly maxBytes: number;
  /** False when no step reads bytes: the stage then only decides at accept and buffers nothing. */
  readonly readsBytes: boolean;

  constructor(
    readonly steps: readonly FirstBytesStep[],
    /** How long a step without its own `timeoutMs` may wait for bytes, from the accept. */
    readonly defaultTimeoutMs: number,
  ) {
    this.maxBytes = steps.reduce((sum, step) => sum + step.maxBytes, 0);
    this.readsBytes = this.maxBytes > 0;
  }

  timeoutOf(index: number): number {
    return this.steps[index]?.timeoutMs ?? this.defaultTimeoutMs;
  }

  timedOut(index: number, ctx: FirstBytesContext): Rejection {
    const step = this.steps[index];
    return step?.timedOut?.(ctx) ?? reject('handshake_timeout', 'handshake_timeout', `no complete first bytes within ${this.timeoutOf(index)} ms`);
  }

  /**
   * Runs the steps from `index` on the bytes in `ctx`. Returns the outcome and, through
   * `position.index`, the step to resume at when the outcome is `need-more`.
   */
  run(ctx: FirstBytesContext, position: { index: number }): StageOutcome {
    for (; position.index < this.steps.length; position.index++) {
      const decision = this.steps[position.index]!.decide(ctx);
      if (decision === 'pass') continue;
      if (decision === 'need-more') {
        return ctx.complete ? reject('payload_too_small', 'payload_too_small', TOO_SMALL_DETAIL) : 'need-more';
      }
      if (decision.kind === 'route') {
        ctx.route = (decision as RouteChoice).route;
        continue;
      }
      return decision;
    }
    return 'done';
  }
}
