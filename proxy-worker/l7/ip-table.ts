// Per source IP state of one proxy's L7 engine: its recent connections (cycling), its score, and
// its payload token bucket (shared by all its TCP connections and UDP sessions). Entries are
// created on an IP's first connection and forgotten once nothing in them matters any more.
import { CyclingWindow } from './cycling-window.js';
import { ScoreLedger } from './score-ledger.js';
import type { TokenBucket } from './token-bucket.js';

export class IpState {
  cycling: CyclingWindow | null = null;
  ledger: ScoreLedger | null = null;
  bucket: TokenBucket | null = null;
  /** Live connections and sessions that hold this entry. */
  live = 0;
  touchedAt = 0;
}

/** Enough for a large network's players plus an attack's sources; past it the idle oldest go. */
export const MAX_TRACKED_IPS = 200_000;
const EVICT_SCAN = 64;

export class IpTable {
  private readonly states = new Map<string, IpState>();

  get size(): number {
    return this.states.size;
  }

  get(ip: string, nowMs: number): IpState {
    let state = this.states.get(ip);
    if (state === undefined) {
      if (this.states.size >= MAX_TRACKED_IPS) this.evictIdle();
      state = new IpState();
      this.states.set(ip, state);
    }
    state.touchedAt = nowMs;
    return state;
  }

  peek(ip: string): IpState | undefined {
    return this.states.get(ip);
  }

  /** Forgets IPs with no live connection, untouched for `idleMs`, whose bucket is full again. */
  sweep(nowMs: number, idleMs: number): void {
    for (const [ip, state] of this.states) {
      if (state.live > 0 || nowMs - state.touchedAt < idleMs) continue;
      if (state.bucket !== null && !state.bucket.isFull(nowMs)) continue;
      this.states.delete(ip);
    }
  }

  forEachBucket(apply: (bucket: TokenBucket) => void): void {
    for (const state of this.states.values()) if (state.bucket !== null) apply(state.bucket);
  }

  clear(): void {
    this.states.clear();
  }

  /** Drops the oldest idle entries (Map order is insertion order). */
  private evictIdle(): void {
    let scanned = 0;
    for (const [ip, state] of this.states) {
      if (scanned++ >= EVICT_SCAN) break;
      if (state.live === 0) this.states.delete(ip);
    }
  }
}
