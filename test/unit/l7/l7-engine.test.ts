import { test } from 'node:test';
import assert from 'node:assert/strict';
import { L7Engine, type L7Host } from '../../../proxy-worker/l7/l7-engine.js';
import { L7Counters } from '../../../proxy-worker/l7/l7-counters.js';
import type { L7Config } from '../../../shared/config/resolved-types.js';
import type { L7Event } from '../../../shared/l7/l7-event.js';
import { RECEIVE_RATE_WINDOW_MS } from '../../../proxy-worker/l7/receive-rate.js';
import { a2sPlayer, javaHandshake } from '../../helpers/game-packets.js';

/** A datagram of `n` bytes that is no game's. */
const bytes = (n: number): Buffer => Buffer.alloc(n, 0x61);

type Parts = { [K in keyof L7Config]?: K extends 'enabled' ? boolean : Partial<L7Config[K]> };

function l7(parts: Parts = {}): L7Config {
  return {
    enabled: true,
    slowConnection: { enabled: false, minBytesInFirst: 1, handshakeTimeoutMs: 5000, minRecvRateBps: 0, ...parts.slowConnection },
    payloadRateLimit: { enabled: false, maxBytesPerSecPerIp: 0, maxBytesPerSecPerConn: 0, burstMultiplier: 2, ...parts.payloadRateLimit },
    connectionCycling: { enabled: false, windowMs: 10_000, maxConnsInWindow: 30, banDurationMs: 60_000, ...parts.connectionCycling },
    payloadInspection: { enabled: false, mode: 'none', customRules: [], ...parts.payloadInspection },
    amplification: { enabled: false, maxResponseToRequestRatio: 10, windowMs: 5000, ...parts.amplification },
    behavioralScoring: {
      enabled: false,
      scoreWindowMs: 30_000,
      banThreshold: 100,
      banDurationMs: 120_000,
      scoreRules: [
        { event: 'invalid_protocol', score: 30 },
        { event: 'connection_cycling', score: 25 },
        { event: 'handshake_timeout', score: 20 },
        { event: 'amplification_detected', score: 40 },
      ],
      ...parts.behavioralScoring,
    },
  };
}

class FakeHost implements L7Host {
  readonly bans: { ip: string; durationMs: number; reason: string }[] = [];
  readonly events: L7Event[] = [];
  ban(ip: string, durationMs: number, reason: string): void {
    this.bans.push({ ip, durationMs, reason });
  }
  record(event: L7Event): void {
    this.events.push(event);
  }
}

function engine(config: L7Config, clock = { now: 0 }) {
  const host = new FakeHost();
  const counters = new L7Counters();
  return { host, counters, clock, engine: new L7Engine(config, host, counters, () => clock.now) };
}

test('connection cycling: the connection past the limit is rejected and the IP banned for ban_duration', () => {
  const { engine: e, host, clock } = engine(l7({ connectionCycling: { enabled: true, maxConnsInWindow: 3, windowMs: 1000, banDurationMs: 45_000 } }));
  for (let i = 0; i < 3; i++) {
    clock.now += 10;
    assert.equal(e.admit('203.0.113.5', 'tcp'), null);
  }
  const refused = e.admit('203.0.113.5', 'tcp');
  assert.equal(refused?.reason, 'connection_cycling');
  assert.deepEqual(host.bans.map((b) => [b.ip, b.durationMs]), [['203.0.113.5', 45_000]]);
  assert.equal(host.events[0]!.type, 'connection_cycling');
  assert.equal(e.admit('203.0.113.6', 'tcp'), null, 'other IPs are not affected');
});

test('scoring: offences add up to the threshold, then the IP is banned and its score starts over', () => {
  const { engine: e, host, counters } = engine(l7({ behavioralScoring: { enabled: true, banThreshold: 100, banDurationMs: 7000 } }));
  for (let i = 0; i < 3; i++) e.offence('198.51.100.9', 'invalid_protocol', 'junk', 'tcp', 'rejected');
  assert.equal(host.bans.length, 0, '90 points');
  e.offence('198.51.100.9', 'invalid_protocol', 'junk', 'tcp', 'rejected');
  assert.deepEqual(host.bans.map((b) => [b.ip, b.durationMs]), [['198.51.100.9', 7000]]);
  assert.equal(host.events.at(-1)!.type, 'banned');
  assert.deepEqual(counters.take().events, { invalid_protocol: 4, banned: 1 });
  e.offence('198.51.100.9', 'invalid_protocol', 'junk', 'tcp', 'rejected');
  assert.equal(host.bans.length, 1, 'the score started over after the ban');
});

test('scoring: points older than score_window are forgotten', () => {
  const { engine: e, host, clock } = engine(l7({ behavioralScoring: { enabled: true, scoreWindowMs: 30_000 } }));
  for (let i = 0; i < 10; i++) {
    e.offence('198.51.100.9', 'invalid_protocol', 'junk', 'tcp', 'rejected');
    clock.now += 11_000;
  }
  assert.equal(host.bans.length, 0, 'never more than 90 points within 30 s');
});

test('scoring off: events are still recorded, with 0 points, and nobody is banned', () => {
  const { engine: e, host } = engine(l7());
  for (let i = 0; i < 10; i++) e.offence('198.51.100.9', 'invalid_protocol', 'junk', 'tcp', 'rejected');
  assert.equal(host.events.length, 10);
  assert.ok(host.events.every((ev) => ev.points === 0));
  assert.equal(host.bans.length, 0);
});

test('an event scored 0 by the operator adds nothing', () => {
  const { engine: e, host } = engine(l7({ behavioralScoring: { enabled: true, banThreshold: 1, scoreRules: [{ event: 'invalid_protocol', score: 0 }] } }));
  e.offence('198.51.100.9', 'invalid_protocol', 'junk', 'tcp', 'rejected');
  assert.equal(host.bans.length, 0);
});

test('steps: slow_connection adds the minimum first bytes, inspection its detector; UDP gets only the detector that applies', () => {
  const both = engine(l7({ slowConnection: { enabled: true, minBytesInFirst: 8 }, payloadInspection: { enabled: true, mode: 'minecraft-java' } })).engine;
  assert.deepEqual(both.steps('tcp', 30_000).map((s) => s.name), ['slow_connection.min_bytes_in_first', 'payload_inspection (minecraft-java handshake)']);
  const bedrock = engine(l7({ payloadInspection: { enabled: true, mode: 'minecraft-bedrock' } })).engine;
  assert.deepEqual(bedrock.steps('tcp', 30_000), [], 'Bedrock has nothing to check over TCP');
  assert.deepEqual(bedrock.steps('udp', 30_000).map((s) => s.name), ['payload_inspection (minecraft-bedrock raknet)']);
  assert.deepEqual(engine(l7({ connectionCycling: { enabled: true } })).engine.steps('tcp', 30_000), [], 'cycling needs no bytes');
});

test('the inspection step rejects junk with invalid_protocol and passes a handshake', () => {
  const e = engine(l7({ payloadInspection: { enabled: true, mode: 'minecraft-java' } })).engine;
  const [step] = e.steps('tcp', 30_000);
  const ctx = (bytes: Buffer) => ({ protocol: 'tcp' as const, listener: {} as never, client: { ip: '1.2.3.4', port: 1 }, bytes, start: 0, end: bytes.length, complete: false, route: null });
  assert.equal(step!.decide(ctx(javaHandshake())), 'pass');
  const refused = step!.decide(ctx(Buffer.from('GET / HTTP/1.1\r\n')));
  assert.equal(typeof refused === 'object' && refused.kind === 'reject' ? refused.event : refused, 'invalid_protocol');
});

test('guards exist only for configured limits; an IP\'s connections share its bucket', () => {
  assert.equal(engine(l7()).engine.tcpGuard('1.1.1.1'), null);
  const { engine: e } = engine(l7({ payloadRateLimit: { enabled: true, maxBytesPerSecPerIp: 1000, burstMultiplier: 1 } }));
  const a = e.tcpGuard('1.1.1.1')!;
  const b = e.tcpGuard('1.1.1.1')!;
  assert.equal(a.onRead(800, 0), 0);
  assert.ok(b.onRead(800, 0) > 0, 'the second connection finds the IP bucket spent');
  const other = e.tcpGuard('2.2.2.2')!;
  assert.equal(other.onRead(800, 0), 0);
});

test('min_recv_rate: a connection sending less than the rate over a window is closed with an event', () => {
  const { engine: e, host, clock } = engine(l7({ slowConnection: { enabled: true, minRecvRateBps: 64 } }));
  const closed: string[] = [];
  const slow = { bytesIn: 0, readsPaused: false, close: (r: string) => closed.push(`slow: ${r}`) };
  const busy = { bytesIn: 0, readsPaused: false, close: (r: string) => closed.push(`busy: ${r}`) };
  e.tcpGuard('1.1.1.1')!.attach(slow, 0);
  e.tcpGuard('2.2.2.2')!.attach(busy, 0);
  for (let s = 1; s <= RECEIVE_RATE_WINDOW_MS / 1000; s++) {
    clock.now = s * 1000;
    slow.bytesIn += 2;
    busy.bytesIn += 100;
    e.tick();
  }
  assert.deepEqual(closed, ['slow: slow receive rate']);
  assert.equal(host.events[0]!.type, 'slow_receive_rate');
});

test('UDP: datagrams over the rate are dropped and counted; sustained excess is an event', () => {
  const { engine: e, host, counters } = engine(l7({ payloadRateLimit: { enabled: true, maxBytesPerSecPerConn: 1000, burstMultiplier: 1 } }));
  const guard = e.udpGuard('1.1.1.1')!;
  let passed = 0;
  for (let t = 0; t <= 6000; t += 10) if (guard.inbound(bytes(100), t)) passed++;
  assert.ok(passed >= 65 && passed <= 75, `${passed} datagrams of 100 bytes passed in 6 s at 1000 B/s (+ a 1000 B burst)`);
  assert.ok((counters.take().blocked['payload_rate_exceeded'] ?? 0) > 0);
  assert.equal(host.events.filter((ev) => ev.type === 'payload_rate_exceeded').length, 1);
});

test('UDP: answers beyond the amplification ratio end the session with an event', () => {
  const { engine: e, host } = engine(l7({ amplification: { enabled: true, maxResponseToRequestRatio: 10 } }));
  const guard = e.udpGuard('1.1.1.1')!;
  guard.inbound(bytes(20), 0);
  assert.equal(guard.outbound(bytes(150), 1), false);
  assert.equal(guard.outbound(bytes(100), 2), true);
  assert.equal(host.events[0]!.type, 'amplification_detected');
});

test('UDP: a session that proves a round trip in its game (gmod: the challenge echoed) is no longer measured', () => {
  const { engine: e, host } = engine(l7({ amplification: { enabled: true, maxResponseToRequestRatio: 10 }, payloadInspection: { mode: 'gmod' } }));
  const querier = e.udpGuard('1.1.1.1')!;
  querier.inbound(a2sPlayer(-1), 0);
  assert.equal(querier.outbound(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x41, 1, 2, 3, 4]), 1), false);
  assert.equal(querier.roundTripProved, false);
  querier.inbound(a2sPlayer(0x04030201), 2);
  assert.equal(querier.roundTripProved, true);
  assert.equal(querier.measuresReplies, false);
  assert.equal(querier.outbound(bytes(100_000), 3), false, 'a proved session is not measured');
  // A forger never sees the challenge: a guessed one proves nothing, and the big answer ends it.
  const forger = e.udpGuard('2.2.2.2')!;
  forger.inbound(a2sPlayer(-1), 0);
  forger.outbound(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x41, 1, 2, 3, 4]), 1);
  forger.inbound(a2sPlayer(0x01020304), 2);
  assert.equal(forger.outbound(bytes(1000), 3), true);
  assert.deepEqual(host.events.map((ev) => [ev.ip, ev.type]), [['2.2.2.2', 'amplification_detected']]);
});

test('UDP: with mode none nothing proves a round trip; a handed-over proved session stays unmeasured', () => {
  const { engine: e } = engine(l7({ amplification: { enabled: true, maxResponseToRequestRatio: 10 } }));
  const guard = e.udpGuard('1.1.1.1')!;
  guard.inbound(a2sPlayer(-1), 0);
  guard.outbound(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x41, 1, 2, 3, 4]), 1);
  guard.inbound(a2sPlayer(0x04030201), 2);
  assert.equal(guard.roundTripProved, false);
  assert.equal(guard.outbound(bytes(1000), 3), true);
  const adopted = e.udpGuard('3.3.3.3', true);
  assert.equal(adopted, null, 'no rate limit and nothing to measure: no guard at all');
  const { engine: limited } = engine(l7({ amplification: { enabled: true }, payloadRateLimit: { enabled: true, maxBytesPerSecPerConn: 1_000_000 } }));
  const kept = limited.udpGuard('3.3.3.3', true)!;
  assert.equal(kept.measuresReplies, false);
  assert.equal(kept.roundTripProved, true, 'and it hands the proof on again');
});

test('reconfigure: a turned-off rate limit lets a throttled connection go at once', () => {
  const config = l7({ payloadRateLimit: { enabled: true, maxBytesPerSecPerConn: 1000, burstMultiplier: 1 } });
  const { engine: e } = engine(config);
  const guard = e.tcpGuard('1.1.1.1')!;
  assert.ok(guard.onRead(5000, 0) > 0);
  e.reconfigure({ ...config, payloadRateLimit: { ...config.payloadRateLimit, enabled: false } });
  assert.equal(guard.waitMs(0), 0);
});

test('reconfigure: min_recv_rate_bps turned on, then off, for a live connection', () => {
  const config = l7({ payloadRateLimit: { enabled: true, maxBytesPerSecPerConn: 1_000_000 } });
  const { engine: e, clock } = engine(config);
  const closed: string[] = [];
  const idle = { bytesIn: 0, readsPaused: false, close: (r: string) => closed.push(r) };
  e.tcpGuard('1.1.1.1')!.attach(idle, 0);
  const run = (seconds: number) => {
    for (let s = 0; s < seconds; s++) {
      clock.now += 1000;
      e.tick();
    }
  };
  run(12);
  assert.deepEqual(closed, [], 'no receive rate configured yet');
  e.reconfigure({ ...config, slowConnection: { ...config.slowConnection, enabled: true, minRecvRateBps: 64 } });
  run(9);
  assert.deepEqual(closed, [], 'the first window starts at the reconfigure');
  e.reconfigure({ ...config, slowConnection: { ...config.slowConnection, enabled: true, minRecvRateBps: 0 } });
  run(12);
  assert.deepEqual(closed, [], 'turned off before its window ended');
  e.reconfigure({ ...config, slowConnection: { ...config.slowConnection, enabled: true, minRecvRateBps: 64 } });
  run(11);
  assert.deepEqual(closed, ['slow receive rate']);
});

test('reconfigure: a live session follows a changed amplification ratio, and amplification turned off', () => {
  const config = l7({ amplification: { enabled: true, maxResponseToRequestRatio: 2 } });
  const { engine: e } = engine(config);
  const guard = e.udpGuard('1.1.1.1')!;
  guard.inbound(bytes(10), 0);
  e.reconfigure({ ...config, amplification: { ...config.amplification, maxResponseToRequestRatio: 20 } });
  assert.equal(guard.outbound(bytes(150), 1), false, '15× is within the new ratio of 20');
  assert.equal(guard.outbound(bytes(100), 2), true, '25× is not');
  const other = e.udpGuard('2.2.2.2')!;
  other.inbound(bytes(10), 0);
  e.reconfigure({ ...config, amplification: { ...config.amplification, enabled: false } });
  assert.equal(other.outbound(bytes(10_000), 1), false, 'off: nothing ends the session');
});

test('L7 turned off (the engine closed): live connections are no longer throttled', () => {
  const { engine: e } = engine(l7({ payloadRateLimit: { enabled: true, maxBytesPerSecPerConn: 1000, maxBytesPerSecPerIp: 1000, burstMultiplier: 1 } }));
  const guard = e.tcpGuard('1.1.1.1')!;
  assert.ok(guard.onRead(5000, 0) > 0);
  e.close();
  assert.equal(guard.waitMs(0), 0);
  assert.equal(guard.onRead(1_000_000, 1), 0);
});
