// The L7 engine's hold on one UDP session: its IP's payload token bucket and its own, checked
// per datagram from the client (over the rate → dropped), and its amplification meter, checked
// per datagram from the upstream (over the ratio → the session ends) until the client proves a
// round trip in its game's protocol (then the meter goes, for good).
import type { IpState } from './ip-table.js';
import type { TokenBucket } from './token-bucket.js';
import type { AmplificationMeter } from './amplification-meter.js';
import type { RoundTripWatch } from './round-trip/round-trip-watch.js';
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
    private meter: AmplificationMeter | null,
    private maxRatio: number,
    /** Watches for the client's proof of a round trip while the meter runs; null: no game knowledge. */
    private watch: RoundTripWatch | null = null,
    /** The session already proved one (a session handed over by a draining worker). */
    private proved = false,
  ) {
    state.live++;
  }

  /** True while the upstream's answers are measured against the client's bytes. */
  get measuresReplies(): boolean {
    return this.meter !== null;
  }

  /** True once the client proved it receives the server's replies: amplification no longer applies. */
  get roundTripProved(): boolean {
    return this.proved;
  }

  /** A changed amplification setting (ratio Infinity = off); a new window starts the sums over. */
  setAmplification(maxRatio: number, windowMs: number): void {
    this.maxRatio = maxRatio;
    this.meter?.setWindow(windowMs);
  }

  /** A datagram from the client: false when it is over the rate and must be dropped. */
  inbound(datagram: Uint8Array, nowMs: number): boolean {
    const bytes = datagram.length;
    const ipBucket = this.state.bucket;
    // Both buckets must hold the datagram; take from neither unless both do.
    if (!fits(this.bucket, bytes, nowMs) || !fits(ipBucket, bytes, nowMs)) {
      this.owner.datagramDropped(this, this.excess.hit(nowMs));
      return false;
    }
    this.bucket?.tryTake(bytes, nowMs);
    ipBucket?.tryTake(bytes, nowMs);
    const meter = this.meter;
    if (meter === null) return true;
    if (this.watch !== null && this.watch.fromClient(datagram)) {
      this.meter = this.watch = null;
      this.proved = true;
    } else {
      meter.request(bytes, nowMs);
    }
    return true;
  }

  /** A datagram from the upstream: true when the session's answers passed the amplification ratio (the caller ends it). */
  outbound(datagram: Uint8Array, nowMs: number): boolean {
    const meter = this.meter;
    if (meter === null) return false;
    this.watch?.fromServer(datagram);
    if (!meter.response(datagram.length, nowMs, this.maxRatio)) return false;
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
