// The worker's share of the defence layers that RouteX keeps across proxies: its copy of the ban
// list (always checked: a ban applies to every proxy, L7 on or not) and, when
// `l7_protection.enabled`, this proxy's L7 engine. It is the engine's host: bans the engine asks
// for take effect here at once and go to the supervisor, which persists them and tells every
// worker.
import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { Ban } from '../../shared/bans/ban.js';
import type { L7Event } from '../../shared/l7/l7-event.js';
import type { WorkerMessage } from '../../shared/ipc/protocol.js';
import { canonicalCidr } from '../../shared/acl/acl-target.js';
import { reject, type FirstBytesStep, type Rejection } from '../first-bytes/first-bytes-step.js';
import { BanTable, BanTarget } from '../l7/ban-table.js';
import { EventQueue } from '../l7/event-queue.js';
import { L7Counters } from '../l7/l7-counters.js';
import { L7Engine, type L7Host } from '../l7/l7-engine.js';
import { coarseClock } from './clock.js';

export interface ProtectedConnections {
  /** Closes every live connection, UDP session and pending connection whose client `target` covers; returns how many. */
  closeCovered(target: BanTarget, reason: string): number;
}

const BANNED: Rejection = reject('banned', null, 'the client IP is banned');

export class Protection implements L7Host {
  readonly bans = new BanTable();
  readonly counters = new L7Counters();
  readonly events = new EventQueue();
  engine: L7Engine | null = null;
  private proxyName = '';

  constructor(
    private readonly live: ProtectedConnections,
    private readonly notify: (message: WorkerMessage) => void,
    private readonly log: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  /** Creates, reconfigures or removes the L7 engine to match `config`. */
  apply(config: ProxyConfig): void {
    this.proxyName = config.name;
    if (!config.l7.enabled) {
      this.engine?.close();
      this.engine = null;
      return;
    }
    if (this.engine === null) {
      this.engine = new L7Engine(config.l7, this, this.counters);
      this.engine.start();
    } else {
      this.engine.reconfigure(config.l7);
    }
  }

  /** The L7 first-bytes steps for `protocol`; empty when the engine is off or reads no bytes. */
  steps(protocol: 'tcp' | 'udp', fallbackTimeoutMs: number): FirstBytesStep[] {
    return this.engine?.steps(protocol, fallbackTimeoutMs) ?? [];
  }

  /** The ban list, then connection cycling, for a new connection or session. */
  admit(ip: string, protocol: 'tcp' | 'udp'): Rejection | null {
    if (this.bans.size > 0 && this.bans.isBanned(ip, coarseClock.now)) return BANNED;
    return this.engine === null ? null : this.engine.admit(ip, protocol);
  }

  /** Bans from the supervisor (the whole list at start, then changes): close what they cover. */
  addBans(bans: readonly Ban[], replace = false): void {
    if (replace) this.bans.replace(bans);
    else this.bans.add(bans);
    const now = Date.now();
    for (const ban of bans) {
      if (ban.expiresAtMs !== null && ban.expiresAtMs <= now) continue;
      const closed = this.live.closeCovered(new BanTarget(ban.target), 'banned');
      for (let i = 0; i < closed; i++) this.counters.block('banned');
      if (closed > 0) this.log('connections closed by a ban', { target: ban.target, connections: closed, reason: ban.reason });
    }
  }

  removeBans(targets: readonly string[]): void {
    this.bans.remove(targets);
  }

  ban(ip: string, durationMs: number, reason: string): void {
    const target = canonicalCidr(ip);
    if (target === undefined) return;
    const now = Date.now();
    this.addBans([{ target, reason, source: this.proxyName, node: null, createdAtMs: now, expiresAtMs: now + durationMs }]);
    this.notify({ type: 'ban.requested', target, durationMs, reason });
  }

  record(event: L7Event): void {
    this.events.push(event);
  }

  close(): void {
    this.engine?.close();
  }
}
