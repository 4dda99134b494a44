import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { UPSTREAM_CONNECT_TIMEOUT, type TcpRelay } from '../listeners/tcp-relay.js';
import type { UdpSession } from '../listeners/udp-session.js';
import { coarseClock } from './clock.js';

const MIN_SWEEP_MS = 50;
const MAX_SWEEP_MS = 1000;

interface SweptRuntime {
  readonly config: ProxyConfig;
  readonly routes: { pruneSticky(): void };
  readonly relays: Map<number, TcpRelay>;
  readonly sessions: Map<number, UdpSession>;
}

/**
 * One periodic pass over every live connection enforces idle, write and connect timeouts and
 * expires UDP sessions, instead of one timer per socket that every chunk would have to re-arm.
 * The pass runs at a quarter of the shortest timeout (bounded), which bounds the overshoot.
 */
export class TimeoutSweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly runtime: SweptRuntime) {}

  start(): void {
    const t = this.runtime.config.timeouts;
    const shortest = Math.min(
      ...[t.upstreamConnectMs, t.upstreamReadMs, t.upstreamWriteMs, t.clientReadMs, t.clientWriteMs, t.udpSessionMs].filter((ms) => ms > 0),
    );
    const interval = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(shortest / 4)));
    this.timer = setInterval(this.sweep, interval);
    this.timer.unref();
  }

  restart(): void {
    this.stop();
    this.start();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private readonly sweep = (): void => {
    const now = (coarseClock.now = Date.now());
    const t = this.runtime.config.timeouts;
    this.runtime.routes.pruneSticky();
    for (const relay of this.runtime.relays.values()) {
      const reason = tcpTimeoutReason(relay, now, t);
      if (reason !== null) relay.destroy(reason);
    }
    if (t.udpSessionMs > 0) {
      for (const session of this.runtime.sessions.values()) {
        if (now - session.lastActivityAt > t.udpSessionMs) session.end('idle timeout');
      }
    }
  };
}

function tcpTimeoutReason(relay: TcpRelay, now: number, t: ProxyConfig['timeouts']): string | null {
  if (!relay.connected) {
    return now - relay.startedAt > t.upstreamConnectMs ? UPSTREAM_CONNECT_TIMEOUT : null;
  }
  // A side we stopped reading because the other side is blocked is not idle.
  if (t.clientReadMs > 0 && !relay.clientEnded && relay.upstreamBlockedSince === 0 && now - relay.lastClientReadAt > t.clientReadMs) {
    return 'client read timeout';
  }
  if (t.upstreamReadMs > 0 && !relay.upstreamEnded && relay.clientBlockedSince === 0 && now - relay.lastUpstreamReadAt > t.upstreamReadMs) {
    return 'upstream read timeout';
  }
  if (t.clientWriteMs > 0 && relay.clientBlockedSince !== 0 && now - relay.clientBlockedSince > t.clientWriteMs) {
    return 'client write timeout';
  }
  if (t.upstreamWriteMs > 0 && relay.upstreamBlockedSince !== 0 && now - relay.upstreamBlockedSince > t.upstreamWriteMs) {
    return 'upstream write timeout';
  }
  return null;
}
