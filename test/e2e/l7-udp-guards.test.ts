// The L7 engine's UDP guards on live sessions: amplification ends a session whose upstream
// answers more than max_response_to_request_ratio × the client's bytes (and only that session),
// and the payload rate limit drops datagrams over a session's rate and over its IP's rate shared
// by the IP's sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';

interface SizedBackend {
  port: number;
  /** Datagrams received per source `ip:port` (each is one proxy session's upstream socket). */
  bySource: Map<string, number>;
}

/** Answers a datagram "<n>" with n bytes, like a service whose answer size the client chooses. */
async function sizedBackend(t: { after(fn: () => unknown): void }): Promise<SizedBackend> {
  const socket = dgram.createSocket('udp4');
  const backend: SizedBackend = { port: 0, bySource: new Map() };
  socket.on('message', (message, rinfo) => {
    const source = `${rinfo.address}:${rinfo.port}`;
    backend.bySource.set(source, (backend.bySource.get(source) ?? 0) + 1);
    const size = Number(message.toString('latin1'));
    if (Number.isInteger(size) && size > 0 && size < 60_000) socket.send(Buffer.alloc(size, 0x61), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  t.after(() => socket.close());
  backend.port = socket.address().port;
  return backend;
}

async function l7View(sup: SupervisorProcess, proxy: string): Promise<any> {
  return (await sup.api('GET', `/api/proxies/${proxy}/l7`, { key: ADMIN_KEY })).body;
}

async function sessionsOf(sup: SupervisorProcess, proxy: string, ip: string): Promise<number> {
  const list = (await sup.api('GET', `/api/proxies/${proxy}/connections`, { key: ADMIN_KEY })).body as { src_ip: string }[];
  return list.filter((c) => c.src_ip === ip).length;
}

/** A UDP proxy `name` with `l7` (the l7_protection block's YAML) in front of a sized backend. */
async function udpProxy(t: { after(fn: () => unknown): void }, name: string, l7: string): Promise<{ sup: SupervisorProcess; port: number; backend: SizedBackend }> {
  const backend = await sizedBackend(t);
  const port = await freePort();
  const extra = `l7_protection:\n  enabled: true\n${l7}`;
  const sup = await SupervisorProcess.start({ proxies: { [`${name}.yaml`]: proxyYaml({ name, originPorts: [port], destPorts: [backend.port], protocol: 'udp', extra }) }, waitForRunning: [name] });
  t.after(() => sup.stop());
  return { sup, port, backend };
}

test('amplification ends the session whose answers pass the ratio; a session at the ratio goes on', async (t) => {
  const { sup, port } = await udpProxy(t, 'amp', '  amplification:\n    enabled: true\n    max_response_to_request_ratio: 10\n    window: 5s\n');

  // "20" (2 bytes) asks for 20 bytes and "030" (3 bytes) for 30: exactly 10×, not more than the ratio.
  const player = await UdpClient.bind('127.0.0.31');
  t.after(() => player.close());
  for (const ask of ['20', '030', '20', '030']) player.send(port, ask);
  await waitFor('four answers', () => player.replies.length === 4);
  assert.deepEqual(player.replies.map((r) => r.length), [20, 30, 20, 30]);

  // "999" (3 bytes) asks for 999 bytes: 333× — the session ends and the answer never reaches the client.
  const reflector = await UdpClient.bind('127.0.0.32');
  t.after(() => reflector.close());
  reflector.send(port, '999');
  const view = await waitFor('the amplification to be counted', async () => {
    const body = await l7View(sup, 'amp');
    return (body.blocked.amplification_detected ?? 0) === 1 ? body : undefined;
  });
  assert.equal(view.events.amplification_detected, 1);
  assert.equal(reflector.replies.length, 0, 'the amplified answer was not relayed');
  assert.equal(await sessionsOf(sup, 'amp', '127.0.0.32'), 0, 'its session ended');
  assert.equal(await sessionsOf(sup, 'amp', '127.0.0.31'), 1, 'the player\'s session goes on');
  const events = (await sup.api('GET', '/api/l7/events?proxy=amp', { key: ADMIN_KEY })).body as any[];
  assert.deepEqual(events.map((e) => [e.ip, e.event_type, e.action, e.protocol]), [['127.0.0.32', 'amplification_detected', 'ended', 'udp']]);
  // The player keeps being served after the other session ended.
  player.send(port, '20');
  await waitFor('the player\'s next answer', () => player.replies.length === 5);
});

test('UDP payload rate: datagrams over a session\'s rate are dropped; the IP\'s rate is shared by its sessions', async (t) => {
  // Buckets of 2000 bytes per session and 3000 per IP that refill slowly (200 and 300 B/s), so
  // the test's own pace hardly changes what passes.
  const { sup, port, backend } = await udpProxy(t, 'urate', '  payload_rate_limit:\n    enabled: true\n    max_bytes_per_sec_per_conn: 200\n    max_bytes_per_sec_per_ip: 300\n    burst_multiplier: 10\n');
  const datagram = Buffer.alloc(100, 0x78);
  const blocked = async () => ((await l7View(sup, 'urate')).blocked.payload_rate_exceeded ?? 0) as number;
  const started = Date.now();
  const burst = async (address: string, droppedBefore: number) => {
    const client = await UdpClient.bind(address);
    t.after(() => client.close());
    for (let i = 0; i < 60; i++) client.send(port, datagram);
    // The worker has read the whole burst once its drops are counted.
    return waitFor(`the drops of ${address}'s burst to be counted`, async () => {
      const count = await blocked();
      return count >= droppedBefore + 30 ? count : undefined;
    });
  };
  // One session: its own bucket (2000 bytes) lets about 20 of 60 datagrams of 100 bytes through.
  let dropped = await burst('127.0.0.33', 0);
  // A second session of the same IP: the IP's bucket (3000 bytes) has about 1000 left for it.
  dropped = await burst('127.0.0.33', dropped);
  // Another IP has buckets of its own.
  await burst('127.0.0.34', dropped);
  const [a, b, c] = await waitFor('three sessions at the backend', () => (backend.bySource.size === 3 ? [...backend.bySource.values()] : undefined));
  const refill = Math.ceil(((Date.now() - started) * 0.3) / 100);
  t.diagnostic(`datagrams of 100 bytes passed, of 60 each: first session ${a}, second session of the same IP ${b}, another IP ${c} (IP bucket refill at most ${refill})`);
  assert.ok(a! >= 20 && a! <= 20 + refill, `first session: ${a}`);
  assert.ok(a! + b! >= 30 && a! + b! <= 30 + refill, `the IP's two sessions together: ${a! + b!} (3000 bytes, not 2 × 2000)`);
  assert.ok(c! >= 20 && c! <= 20 + refill, `another IP: ${c}`);
  const view = await l7View(sup, 'urate');
  assert.equal(view.blocked.payload_rate_exceeded, 180 - a! - b! - c!, 'every dropped datagram is counted');
  assert.equal(view.events.payload_rate_exceeded, undefined, 'a short burst is not a sustained excess');
});
