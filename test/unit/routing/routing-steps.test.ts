import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { FirstBytesContext, FirstBytesStep, StepDecision } from '../../../proxy-worker/first-bytes/first-bytes-step.js';
import { RouteSet } from '../../../proxy-worker/routing/route-set.js';
import { RoutingContext } from '../../../proxy-worker/routing/routing-context.js';
import { createProxyCounters } from '../../../proxy-worker/runtime/proxy-counters.js';
import { encodeUnconnectedPing } from '../../../proxy-worker/bedrock/raknet-ping.js';
import { encodeA2sRequest } from '../../../proxy-worker/source-query/a2s-packets.js';
import type { ProxyConfig } from '../../../shared/config/resolved-types.js';
import { javaHandshake } from '../../helpers/game-packets.js';
import { captureClientHello } from '../../helpers/client-hello-capture.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { validProxy } from '../config/config-fixtures.js';

const ROUTES = [{ name: 'play', hosts: ['play.example.test', '*.play.example.test'], 'dest-ip': '10.0.0.5', 'dest-port': 25565 }];

function contextFor(fields: Record<string, unknown>): { routing: RoutingContext; config: ProxyConfig; counters: ReturnType<typeof createProxyCounters> } {
  const config = validProxy(fields);
  const host = { routes: new RouteSet(config), counters: createProxyCounters() };
  return { routing: new RoutingContext(config, host), config, counters: host.counters };
}

function ctxOf(config: ProxyConfig, bytes: Uint8Array, end = bytes.length, protocol: 'tcp' | 'udp' = 'tcp'): FirstBytesContext {
  return { protocol, listener: config.listeners[0]!, client: { ip: '203.0.113.5', port: 40000 }, bytes, start: 0, end, complete: protocol === 'udp', route: null };
}

/** The step's decision when the bytes arrive in two parts split at `at`, as the stage asks it. */
function decideSplit(step: FirstBytesStep, config: ProxyConfig, bytes: Buffer, at: number): StepDecision {
  const first = step.decide(ctxOf(config, bytes, at));
  return first === 'need-more' ? step.decide(ctxOf(config, bytes)) : first;
}

const kindOf = (decision: StepDecision): string => (typeof decision === 'string' ? decision : decision.kind === 'route' ? `route ${decision.route}` : decision.kind === 'reject' ? `reject ${decision.reason}` : decision.kind);

describe('routing steps: minecraft-host', () => {
  const { routing, config, counters } = contextFor({ routing: { by: 'minecraft-host', unknown: 'reject' }, routes: ROUTES });
  const [step] = routing.tcpSteps();

  it('routes by the handshake host, Forge markers and forwarding suffixes ignored, at every split', () => {
    for (const host of ['play.example.test', 'PLAY.example.test.\0FML3\0', 'eu.play.example.test///1.2.3.4:5///6']) {
      const handshake = javaHandshake({ host, nextState: 2 });
      for (let at = 0; at <= handshake.length; at++) assert.equal(kindOf(decideSplit(step!, config, handshake, at)), 'route play', `${JSON.stringify(host)} split at ${at}`);
    }
  });

  it('asks for more at every truncation, and answers an unknown host itself, counting it', () => {
    const handshake = javaHandshake({ host: 'elsewhere.test', nextState: 1 });
    for (let end = 0; end < handshake.length; end++) assert.equal(step!.decide(ctxOf(config, handshake, end)), 'need-more');
    assert.equal(kindOf(step!.decide(ctxOf(config, handshake))), 'answer');
    assert.equal(counters.routingRejected, 1);
  });

  it('refuses junk when unknown hosts are rejected, and never throws on random or mutated input', () => {
    assert.equal(kindOf(step!.decide(ctxOf(config, Buffer.from('GET / HTTP/1.1\r\n\r\n')))), 'reject routing');
    const random = seededRandom(29);
    const base = javaHandshake({ host: 'play.example.test', nextState: 2 });
    for (let round = 0; round < 20_000; round++) {
      const input = round % 2 === 0 ? Buffer.from(base) : Buffer.from(Array.from({ length: 1 + (round % 300) }, () => Math.floor(random() * 256)));
      if (round % 2 === 0) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
      const end = Math.floor(random() * (input.length + 1));
      assert.doesNotThrow(() => step!.decide({ ...ctxOf(config, input, end), complete: random() < 0.5 }));
    }
  });
});

describe('routing steps: tls-sni', () => {
  const { routing, config } = contextFor({ routing: { by: 'tls-sni', unknown: 'reject' }, routes: ROUTES });
  const [step] = routing.tcpSteps();
  let hello: Buffer;
  let elsewhere: Buffer;
  let noSni: Buffer;
  before(async () => {
    hello = await captureClientHello('a.play.example.test');
    elsewhere = await captureClientHello('elsewhere.test');
    noSni = await captureClientHello(undefined);
  });

  it('routes by SNI at every split; no SNI and non-TLS go to the default route; unknown names are refused', () => {
    for (let at = 0; at <= hello.length; at++) assert.equal(kindOf(decideSplit(step!, config, hello, at)), 'route play', `split at ${at}`);
    assert.equal(step!.decide(ctxOf(config, noSni)), 'pass');
    assert.equal(step!.decide(ctxOf(config, Buffer.from('SSH-2.0-OpenSSH\r\n'))), 'pass');
    assert.equal(kindOf(step!.decide(ctxOf(config, elsewhere))), 'reject routing');
    assert.equal(step!.maxBytes >= hello.length, true);
  });
});

describe('routing steps: which steps a config gets', () => {
  it('adds nothing when no routing or answer is configured, so the stage stays off', () => {
    const { routing } = contextFor({ protocol: 'tcp-udp' });
    assert.deepEqual(routing.tcpSteps(), []);
    assert.deepEqual(routing.udpSteps(), []);
  });

  it('answers Bedrock pings and A2S queries on UDP, and passes anything else', () => {
    const { routing, config } = contextFor({ protocol: 'udp', status_cache: { enabled: true }, a2s_cache: { enabled: true } });
    const steps = routing.udpSteps();
    assert.deepEqual(steps.map((s) => s.name), ['bedrock ping cache', 'a2s cache']);
    const decide = (bytes: Buffer): string[] => steps.map((s) => kindOf(s.decide(ctxOf(config, bytes, bytes.length, 'udp'))));
    assert.deepEqual(decide(encodeUnconnectedPing(1n, 2n)), ['answer', 'pass']);
    assert.deepEqual(decide(encodeA2sRequest('info', null)), ['pass', 'answer']);
    assert.deepEqual(decide(Buffer.from('ffffffff71636f6e6e656374', 'hex')), ['pass', 'pass']);
  });
});
