// One proxy's L7 protection engine. The worker creates it only when `l7_protection.enabled` is
// true (otherwise nothing of it runs: no steps, no guards, no timer) and reconfigures it in place.
// Pure of sockets: the runtime hands it IPs and byte counts, and it answers with decisions,
// events and ban requests.
import type { L7Config } from '../../shared/config/resolved-types.js';
import type { L7Action, L7Event } from '../../shared/l7/l7-event.js';
import { reject, type FirstBytesStep, type Rejection } from '../first-bytes/first-bytes-step.js';
import { AmplificationMeter } from './amplification-meter.js';
import { CyclingWindow } from './cycling-window.js';
import { detectorFor } from './detectors/detector-for.js';
import { IpTable } from './ip-table.js';
import type { L7Counters } from './l7-counters.js';
import { inspectionStep, minBytesStep } from './l7-steps.js';
import { roundTripWatchFor } from './round-trip/round-trip-watch.js';
import { ScoreLedger } from './score-ledger.js';
import { SUSTAINED_EXCESS_MS } from './excess-tracker.js';
import { TcpGuard, type TcpGuardOwner } from './tcp-guard.js';
import { TokenBucket } from './token-bucket.js';
import { UdpGuard, type UdpGuardOwner } from './udp-guard.js';

export interface L7Host {
  /** Bans `ip` in this worker at once (closing its connections) and asks the supervisor to ban it everywhere. */
  ban(ip: string, durationMs: number, reason: string): void;
  /** An event to send to the supervisor's event log. */
  record(event: L7Event): void;
}

const SWEEP_MS = 1000;
const IP_SWEEP_TICKS = 10;
/** How long an IP's cycling and score state outlives its last connection at least. */
const MIN_IDLE_MS = 60_000;

type Protocol = 'tcp' | 'udp';

export class L7Engine implements TcpGuardOwner, UdpGuardOwner {
  private readonly ips = new IpTable();
  private readonly tcpGuards = new Set<TcpGuard>();
  private readonly udpGuards = new Set<UdpGuard>();
  private readonly scores = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private cyclingRejection: Rejection;

  constructor(
    private config: L7Config,
    private readonly host: L7Host,
    private readonly counters: L7Counters,
    private readonly now: () => number = Date.now,
  ) {
    this.cyclingRejection = this.cyclingRejectionOf(config);
    this.indexScores(config);
  }

  start(): void {
    this.timer = setInterval(this.tick, SWEEP_MS);
    this.timer.unref();
  }

  /** Stops the timer and lets go of live connections: nothing throttles or ends them any more. */
  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.applyToLive(0, 0, 1, 0, Number.POSITIVE_INFINITY, this.config.amplification.windowMs);
  }

  /**
   * New limits apply to the live connections and sessions that have a guard too (the payload
   * rates, min_recv_rate_bps, the amplification ratio and window); the IPs' histories are kept.
   */
  reconfigure(config: L7Config): void {
    this.config = config;
    this.cyclingRejection = this.cyclingRejectionOf(config);
    this.indexScores(config);
    const { payloadRateLimit: rate, slowConnection: slow, amplification } = config;
    this.applyToLive(
      rate.enabled ? rate.maxBytesPerSecPerConn : 0,
      rate.enabled ? rate.maxBytesPerSecPerIp : 0,
      rate.burstMultiplier,
      slow.enabled ? slow.minRecvRateBps : 0,
      amplification.enabled ? amplification.maxResponseToRequestRatio : Number.POSITIVE_INFINITY,
      amplification.windowMs,
    );
  }

  private applyToLive(perConn: number, perIp: number, burst: number, minRecvRateBps: number, maxRatio: number, windowMs: number): void {
    const now = this.now();
    for (const guard of this.tcpGuards) {
      guard.bucket?.setLimits(perConn, perConn * burst);
      guard.setMinRecvRate(minRecvRateBps, now);
    }
    for (const guard of this.udpGuards) {
      guard.bucket?.setLimits(perConn, perConn * burst);
      guard.setAmplification(maxRatio, windowMs);
    }
    this.ips.forEachBucket((bucket) => bucket.setLimits(perIp, perIp * burst));
  }

  /** The first-bytes steps for new connections (TCP) or sessions (UDP) of this proxy. */
  steps(protocol: Protocol, fallbackTimeoutMs: number): FirstBytesStep[] {
    const { slowConnection: slow, payloadInspection: inspection } = this.config;
    const steps: FirstBytesStep[] = [];
    if (slow.enabled) steps.push(minBytesStep(slow.minBytesInFirst, slow.handshakeTimeoutMs));
    const detector = inspection.enabled ? detectorFor(inspection.mode, protocol, inspection.customRules) : null;
    if (detector !== null) steps.push(inspectionStep(detector, slow.enabled ? slow.handshakeTimeoutMs : fallbackTimeoutMs));
    return steps;
  }

  /** Connection cycling for a new connection or UDP session; null = admitted. */
  admit(ip: string, protocol: Protocol): Rejection | null {
    const cycling = this.config.connectionCycling;
    if (!cycling.enabled) return null;
    const now = this.now();
    const state = this.ips.get(ip, now);
    state.cycling ??= new CyclingWindow(cycling.maxConnsInWindow);
    if (!state.cycling.record(now, cycling.windowMs, cycling.maxConnsInWindow)) return null;
    this.offence(ip, 'connection_cycling', this.cyclingRejection.detail, protocol, 'rejected');
    this.host.ban(ip, cycling.banDurationMs, `connection cycling: ${this.cyclingRejection.detail}`);
    return this.cyclingRejection;
  }

  /**
   * Records an event for `ip`; with behavioural scoring on, adds its points, and at the
   * threshold bans the IP (which closes all its connections) and starts its score again.
   */
  offence(ip: string, type: string, detail: string, protocol: Protocol, action: L7Action): void {
    const scoring = this.config.behavioralScoring;
    const points = scoring.enabled ? (this.scores.get(type) ?? 0) : 0;
    this.counters.event(type);
    this.host.record({ atMs: this.now(), ip, type, points, action, detail, protocol });
    if (points <= 0) return;
    const now = this.now();
    const state = this.ips.get(ip, now);
    state.ledger ??= new ScoreLedger();
    const total = state.ledger.add(points, now, scoring.scoreWindowMs);
    if (total < scoring.banThreshold) return;
    state.ledger.clear();
    const reason = `behavioural score ${total} reached ban_threshold ${scoring.banThreshold}`;
    this.counters.event('banned');
    this.host.record({ atMs: now, ip, type: 'banned', points: 0, action: 'banned', detail: reason, protocol });
    this.host.ban(ip, scoring.banDurationMs, reason);
  }

  /** A guard for a new TCP connection, or null when no per-connection limit is configured. */
  tcpGuard(ip: string): TcpGuard | null {
    const { payloadRateLimit: rate, slowConnection: slow } = this.config;
    const minRecv = slow.enabled ? slow.minRecvRateBps : 0;
    const limited = rate.enabled && (rate.maxBytesPerSecPerConn > 0 || rate.maxBytesPerSecPerIp > 0);
    if (!limited && minRecv === 0) return null;
    const now = this.now();
    const guard = new TcpGuard(this, ip, this.ipState(ip, now), this.connectionBucket(now), minRecv);
    this.tcpGuards.add(guard);
    return guard;
  }

  /**
   * A guard for a new UDP session, or null when neither the rate limit nor amplification applies.
   * `roundTripProved`: the session proved a round trip already (handed over by a draining worker),
   * so its answers are not measured.
   */
  udpGuard(ip: string, roundTripProved = false): UdpGuard | null {
    const { payloadRateLimit: rate, amplification, payloadInspection } = this.config;
    const limited = rate.enabled && (rate.maxBytesPerSecPerConn > 0 || rate.maxBytesPerSecPerIp > 0);
    const measured = amplification.enabled && !roundTripProved;
    if (!limited && !measured) return null;
    const now = this.now();
    const meter = measured ? new AmplificationMeter(amplification.windowMs) : null;
    const watch = measured ? roundTripWatchFor(payloadInspection.mode) : null;
    const { maxResponseToRequestRatio: ratio } = amplification;
    const guard = new UdpGuard(this, ip, this.ipState(ip, now), this.connectionBucket(now), meter, ratio, watch, roundTripProved && amplification.enabled);
    this.udpGuards.add(guard);
    return guard;
  }

  guardExceeded(guard: TcpGuard): void {
    this.offence(guard.ip, 'payload_rate_exceeded', `over the payload rate for ${SUSTAINED_EXCESS_MS / 1000} s`, 'tcp', 'throttled');
  }

  datagramDropped(guard: UdpGuard, sustained: boolean): void {
    this.counters.block('payload_rate_exceeded');
    if (sustained) this.offence(guard.ip, 'payload_rate_exceeded', `over the payload rate for ${SUSTAINED_EXCESS_MS / 1000} s`, 'udp', 'dropped');
  }

  /** A UDP session's answers passed the amplification ratio: the caller ends it. */
  amplified(guard: UdpGuard): void {
    const { maxResponseToRequestRatio: ratio, windowMs } = this.config.amplification;
    this.counters.block('amplification_detected');
    this.offence(guard.ip, 'amplification_detected', `upstream sent more than ${ratio}× the client's bytes within ${windowMs} ms`, 'udp', 'ended');
  }

  guardReleased(guard: TcpGuard | UdpGuard): void {
    if (guard instanceof TcpGuard) this.tcpGuards.delete(guard);
    else this.udpGuards.delete(guard);
  }

  /** Once a second: the receive-rate check of live connections, and forgetting idle IPs. */
  readonly tick = (): void => {
    const now = this.now();
    const slow = this.config.slowConnection;
    for (const guard of this.tcpGuards) {
      if (!guard.tooSlow(now)) continue;
      this.counters.block('slow_receive_rate');
      this.offence(guard.ip, 'slow_receive_rate', `under ${slow.minRecvRateBps} B/s on average over 10 s`, 'tcp', 'closed');
      guard.connection?.close('slow receive rate');
    }
    // Walking every tracked IP is the expensive part: once every IP_SWEEP_TICKS seconds is enough.
    if (++this.ticks % IP_SWEEP_TICKS !== 0) return;
    const { connectionCycling: cycling, behavioralScoring: scoring } = this.config;
    this.ips.sweep(now, Math.max(MIN_IDLE_MS, cycling.windowMs, scoring.scoreWindowMs));
  };

  private ipState(ip: string, now: number) {
    const state = this.ips.get(ip, now);
    const rate = this.config.payloadRateLimit;
    const perIp = rate.enabled ? rate.maxBytesPerSecPerIp : 0;
    if (perIp > 0) {
      if (state.bucket === null) state.bucket = new TokenBucket(perIp, perIp * rate.burstMultiplier, now);
      else state.bucket.setLimits(perIp, perIp * rate.burstMultiplier);
    } else {
      state.bucket = null;
    }
    return state;
  }

  private connectionBucket(now: number): TokenBucket | null {
    const rate = this.config.payloadRateLimit;
    const perConn = rate.enabled ? rate.maxBytesPerSecPerConn : 0;
    return perConn > 0 ? new TokenBucket(perConn, perConn * rate.burstMultiplier, now) : null;
  }

  private cyclingRejectionOf(config: L7Config): Rejection {
    const { maxConnsInWindow, windowMs } = config.connectionCycling;
    return reject('connection_cycling', null, `more than ${maxConnsInWindow} connections within ${windowMs} ms`);
  }

  private indexScores(config: L7Config): void {
    this.scores.clear();
    for (const rule of config.behavioralScoring.scoreRules) if (!this.scores.has(rule.event)) this.scores.set(rule.event, rule.score);
  }
}
