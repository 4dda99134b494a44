import type net from 'node:net';
import type { FirstBytesContext, LocalAnswer, Rejection } from './first-bytes-step.js';
import type { FirstBytesPlan } from './first-bytes-plan.js';
import { reject } from './first-bytes-step.js';

export interface FirstBytesHost {
  /** Every step passed: dial `ctx.route`, send `replay` first; `clientEnded`: its FIN came already. */
  firstBytesPassed(socket: net.Socket, ctx: FirstBytesContext, replay: Buffer | null, clientEnded: boolean): void;
  firstBytesRejected(socket: net.Socket, ctx: FirstBytesContext, rejection: Rejection): void;
  /** The reader is finished, whatever the outcome (the host stops tracking it). */
  firstBytesSettled(reader: FirstBytesReader): void;
}

const MIN_BUFFER = 256;

/**
 * Holds one new TCP connection while the plan's steps read its first bytes, across as many
 * segments as they arrive in, bounded by the plan's size and each step's time. Then hands the
 * socket on (paused, with the bytes to replay), rejects it, or lets a step answer it.
 */
export class FirstBytesReader {
  private buffer: Buffer | null = null;
  /** False while `buffer` is the first chunk itself (not copied yet). */
  private owned = false;
  private readonly position = { index: 0 };
  private timer: NodeJS.Timeout | null = null;
  private settled = false;
  private clientEnded = false;

  constructor(
    readonly socket: net.Socket,
    readonly ctx: FirstBytesContext,
    private readonly plan: FirstBytesPlan,
    private readonly host: FirstBytesHost,
    private readonly acceptedAt = Date.now(),
  ) {}

  start(): void {
    const outcome = this.plan.run(this.ctx, this.position);
    if (outcome !== 'need-more') {
      this.settle(outcome);
      return;
    }
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.armTimer();
    this.socket.resume();
  }

  /** Closes the connection before it was decided (a ban, a drain). */
  destroy(): void {
    if (this.settled) return;
    this.finish();
    this.socket.destroy();
    this.host.firstBytesSettled(this);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.append(chunk);
    this.evaluate();
  };

  private readonly onEnd = (): void => {
    this.clientEnded = true;
    // A client that leaves without sending a byte (a port check, a load balancer's probe) is no offence.
    if (this.ctx.end === 0) {
      this.destroy();
      return;
    }
    this.ctx.complete = true;
    this.evaluate();
  };

  private readonly onError = (): void => {
    // 'close' follows.
  };

  private readonly onClose = (): void => {
    if (this.settled) return;
    this.finish();
    this.host.firstBytesSettled(this);
  };

  private evaluate(): void {
    const before = this.position.index;
    const outcome = this.plan.run(this.ctx, this.position);
    if (outcome !== 'need-more') {
      this.settle(outcome);
      return;
    }
    if (this.ctx.end - this.ctx.start >= this.plan.maxBytes) {
      this.settle(reject('payload_too_large', 'payload_too_large', `no decision within the first ${this.plan.maxBytes} bytes`));
      return;
    }
    if (this.position.index !== before) this.armTimer();
  }

  private append(chunk: Buffer): void {
    const length = this.ctx.end;
    if (this.buffer === null) {
      this.buffer = chunk;
    } else {
      const needed = length + chunk.length;
      if (!this.owned || needed > this.buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, this.owned ? this.buffer.length * 2 : MIN_BUFFER));
        this.buffer.copy(grown, 0, 0, length);
        this.buffer = grown;
        this.owned = true;
      }
      chunk.copy(this.buffer, length);
    }
    this.ctx.bytes = this.buffer;
    this.ctx.end = length + chunk.length;
  }

  private armTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const remaining = this.acceptedAt + this.plan.timeoutOf(this.position.index) - Date.now();
    this.timer = setTimeout(this.onTimeout, Math.max(0, remaining));
  }

  private readonly onTimeout = (): void => {
    this.timer = null;
    if (!this.settled) this.settle(this.plan.timedOut(this.position.index, this.ctx));
  };

  private settle(outcome: 'done' | Rejection | LocalAnswer): void {
    this.finish();
    this.host.firstBytesSettled(this);
    if (outcome === 'done') {
      const replay = this.buffer === null || this.ctx.end <= this.ctx.start ? null : this.buffer.subarray(this.ctx.start, this.ctx.end);
      this.host.firstBytesPassed(this.socket, this.ctx, replay, this.clientEnded);
    } else if (outcome.kind === 'reject') {
      this.host.firstBytesRejected(this.socket, this.ctx, outcome);
    } else if (outcome.tcp !== undefined) {
      outcome.tcp(this.socket, this.ctx);
    } else {
      this.socket.destroy();
    }
  }

  private finish(): void {
    this.settled = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.socket.pause();
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
  }
}
