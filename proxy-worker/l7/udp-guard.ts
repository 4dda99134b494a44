// The L7 engine's hold on one UDP session: its IP's payload token bucket and its own, checked
// per datagram from the client (over the rate → dropped), and its amplification meter, checked
// per datagram from the upstream (over the ratio → the session ends).
import type { IpState } from './ip-table.js';
import type { TokenBucket } from './token-bucket.js';
import type { AmplificationMeter } from './amplification-meter.js';
import { ExcessTracker } from './excess-tracker.js';

export interface UdpGuardOwner {
  datagramDropped(guard: UdpGuard, sustained: boolean): void;
  amplified(guard: UdpGuard): void;
  guardReleased(guard: UdpGuard): void;
}

export class UdpGuard {
  private readonly excess = new ExcessTracker();
  private released = false;

  constructor(
    private readonly owner: UdpGuardOwner,
    readonly ip: string,
    private readonly state: IpState,
    readonly bucket: TokenBucket | null,
    readonly meter: AmplificationMeter | null,
    private maxRatio: number,
  ) {
    state.live++;
  }

  /** A changed amplification setting (ratio Infinity = off); a new window starts the sums over. */
  setAmplification(maxRatio: number, windowMs: number): void {
    this.maxRatio = maxRatio;
    this.meter?.setWindow(windowMs);
  }

  /** A datagram from the client: false when it is over the rate and must be dropped. */
  inbound(bytes: number, nowMs: number): boolean {
    const ipBucket = this.state.bucket;
    // Both buckets must hold the datagram; take from neither unless both do.
    if (!fits(this.bucket, bytes, nowMs) || !fits(ipBucket, bytes, nowMs)) {
      this.owner.datagramDropped(this, this.excess.hit(nowMs));
      return false;
    }
    this.bucket?.tryTake(bytes, nowMs);
    ipBucket?.tryTake(bytes, nowMs);
    this.meter?.request(bytes, nowMs);
    return true;
  }

  /** A datagram from the upstream: true when the session's answers passed the amplification ratio (the caller ends it). */
  outbound(bytes: number, nowMs: number): boolean {
    if (this.meter === null || !this.meter.response(bytes, nowMs, this.maxRatio)) return false;
    this.owner.amplified(this);
    return true;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.state.live--;
    this.owner.guardReleased(this);
  }
}

function fits(bucket: TokenBucket | null, bytes: number, nowMs: number): boolean {
  return bucket === null || bucket.canTake(bytes, nowMs);
}
