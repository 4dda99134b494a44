// The L7 engine's hold on one live TCP connection: its payload token buckets (its own and its
// IP's) and its receive rate. Created only when one of those is configured.
import type { IpState } from './ip-table.js';
import type { TokenBucket } from './token-bucket.js';
import { ExcessTracker } from './excess-tracker.js';
import { ReceiveRate } from './receive-rate.js';

/** What the guard needs from the relay it watches. */
export interface GuardedTcp {
  readonly bytesIn: number;
  /** True while RouteX is not reading the client (upstream backpressure, or this guard's throttle). */
  readonly readsPaused: boolean;
  close(reason: string): void;
}

export interface TcpGuardOwner {
  guardExceeded(guard: TcpGuard): void;
  guardReleased(guard: TcpGuard): void;
}

export class TcpGuard {
  connection: GuardedTcp | null = null;
  private rate: ReceiveRate | null = null;
  private readonly excess = new ExcessTracker();
  private released = false;

  constructor(
    private readonly owner: TcpGuardOwner,
    readonly ip: string,
    private readonly state: IpState,
    /** This connection's own bucket (max_bytes_per_sec_per_conn), or null. */
    readonly bucket: TokenBucket | null,
    private minRecvRateBps: number,
  ) {
    state.live++;
  }

  /** Starts watching the relay once it exists; the receive-rate window starts here. */
  attach(connection: GuardedTcp, nowMs: number): void {
    this.connection = connection;
    if (this.minRecvRateBps > 0) this.rate = new ReceiveRate(nowMs, connection.bytesIn);
  }

  /** A changed min_recv_rate_bps (0 = off); a window starts now when it was off. */
  setMinRecvRate(bps: number, nowMs: number): void {
    if (bps === this.minRecvRateBps) return;
    this.minRecvRateBps = bps;
    if (bps <= 0) this.rate = null;
    else if (this.rate === null && this.connection !== null) this.rate = new ReceiveRate(nowMs, this.connection.bytesIn);
  }

  /** Bytes just read from the client; returns how long to stop reading (0: keep going). */
  onRead(bytes: number, nowMs: number): number {
    const own = this.bucket === null ? 0 : this.bucket.take(bytes, nowMs);
    const shared = this.state.bucket === null ? 0 : this.state.bucket.take(bytes, nowMs);
    const wait = Math.max(own, shared);
    if (wait > 0 && this.excess.hit(nowMs)) this.owner.guardExceeded(this);
    return wait;
  }

  /** After a throttle: how much longer (other connections of the IP may have used its tokens). */
  waitMs(nowMs: number): number {
    return Math.max(this.bucket?.waitMs(nowMs) ?? 0, this.state.bucket?.waitMs(nowMs) ?? 0);
  }

  /** Once a second: true when the client fell below min_recv_rate_bps over the last window. */
  tooSlow(nowMs: number): boolean {
    const connection = this.connection;
    if (this.rate === null || connection === null) return false;
    if (connection.readsPaused) this.rate.excuse();
    return this.rate.tooSlow(nowMs, connection.bytesIn, this.minRecvRateBps);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.state.live--;
    this.owner.guardReleased(this);
  }
}
