// Item 6 of the L7 issue: one ban list for every proxy. A ban closes the IP's live TCP
// connections and UDP sessions in every proxy within 1 s, holds across a supervisor restart,
// expires on time, and an unban lets the IP back at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { spawnSync } from 'node:child_process';
import { missingTool } from '../helpers/system-tools.js';
import { csvRecords, parseInflux, parsePrometheus, promSum } from '../helpers/metrics-parsers.js';

interface TestContext {
  after(fn: () => unknown): void;
}

/** Two proxies, `a` and `b`, each TCP + UDP, in front of echo backends. */
async function twoProxies(t: TestContext, extraA = '') {
  const tcp = await startTcpBackend();
  const udp = await startUdpBackend();
  t.after(() => tcp.close());
  t.after(() => udp.close());
  const [a, b] = [await freePort(), await freePort()];
  const yaml = (name: string, port: number, extra = '') => proxyYaml({ name, originPorts: [port], destPorts: [tcp.port], protocol: 'tcp', extra });
  const udpYaml = (name: string, port: number) => proxyYaml({ name, originPorts: [port], destPorts: [udp.port], protocol: 'udp' });
  const [ua, ub] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: { 'a.yaml': yaml('a', a, extraA), 'b.yaml': yaml('b', b), 'ua.yaml': udpYaml('ua', ua), 'ub.yaml': udpYaml('ub', ub) },
    waitForRunning: ['a', 'b', 'ua', 'ub'],
  });
  t.after(() => sup.stop());
  return { sup, ports: { a, b, ua, ub } };
}

async function echoing(port: number, localAddress: string): Promise<TcpClient> {
  const client = await TcpClient.connect(port, { localAddress });
  client.write('ping');
  await client.waitForBytes(4);
  return client;
}

async function udpEchoes(client: UdpClient, port: number): Promise<boolean> {
  const before = client.replies.length;
  client.send(port, 'hello');
  try {
    await waitFor('a udp reply', () => client.replies.length > before, { timeoutMs: 500 });
    return true;
  } catch {
    return false;
  }
}

async function sessionsOf(sup: SupervisorProcess, proxy: string, ip: string): Promise<number> {
  const list = (await sup.api('GET', `/api/proxies/${proxy}/connections`, { key: ADMIN_KEY })).body as { src_ip: string }[];
  return list.filter((c) => c.src_ip === ip).length;
}

test('a manual ban closes the IP\'s TCP connections and UDP sessions in every proxy within 1 s; unban lets it back at once', async (t) => {
  const { sup, ports } = await twoProxies(t);
  const banned = [await echoing(ports.a, '127.0.0.2'), await echoing(ports.b, '127.0.0.2')];
  const bystander = await echoing(ports.a, '127.0.0.3');
  const udp = await UdpClient.bind('127.0.0.2');
  t.after(() => udp.close());
  for (const c of [...banned, bystander]) t.after(() => c.destroy());
  assert.ok(await udpEchoes(udp, ports.ua));
  assert.ok(await udpEchoes(udp, ports.ub));
  assert.equal(await sessionsOf(sup, 'ua', '127.0.0.2'), 1);

  const started = Date.now();
  const response = await sup.api('POST', '/api/l7/banned/127.0.0.2?duration=10m&reason=test', { key: ADMIN_KEY });
  assert.equal(response.status, 200);
  assert.equal(response.body.ban.ip, '127.0.0.2');
  await Promise.all(banned.map((c) => c.waitClosed(1000)));
  await waitFor('the udp sessions to end', async () => (await sessionsOf(sup, 'ua', '127.0.0.2')) + (await sessionsOf(sup, 'ub', '127.0.0.2')) === 0, { timeoutMs: 1000 });
  const closedMs = Date.now() - started;
  t.diagnostic(`manual ban: TCP connections in a and b and UDP sessions in ua and ub closed ${closedMs} ms after the POST was sent`);
  assert.ok(closedMs < 1000, `closed after ${closedMs} ms`);
  assert.equal(bystander.closed, false, 'another IP keeps its connection');
  assert.equal(await udpEchoes(udp, ports.ua), false, 'new datagrams of the banned IP are dropped');
  const refused = await TcpClient.connect(ports.b, { localAddress: '127.0.0.2' });
  await refused.waitClosed(1000);

  // A proxy started after the ban gets the ban list with its start.
  const late = await freePort();
  const lateBackend = await startTcpBackend();
  t.after(() => lateBackend.close());
  sup.writeProxy('late.yaml', proxyYaml({ name: 'late', originPorts: [late], destPorts: [lateBackend.port] }));
  await sup.waitForState('late', 'running');
  const refusedLate = await TcpClient.connect(late, { localAddress: '127.0.0.2' });
  await refusedLate.waitClosed(1000);
  assert.equal(refusedLate.received.length, 0);
  const welcomeLate = await echoing(late, '127.0.0.3');
  t.after(() => welcomeLate.destroy());

  const list = await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY });
  assert.deepEqual(list.body.map((b: any) => [b.ip, b.reason, b.source]), [['127.0.0.2', 'test', 'api']]);
  assert.equal((await sup.api('DELETE', '/api/l7/banned/127.0.0.2', { key: ADMIN_KEY })).status, 200);
  const back = await echoing(ports.b, '127.0.0.2');
  t.after(() => back.destroy());
  assert.ok(await udpEchoes(udp, ports.ua));
  assert.equal((await sup.api('DELETE', '/api/l7/banned/127.0.0.2', { key: ADMIN_KEY })).status, 404);
  assert.deepEqual((await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body, []);
});

test('a ban holds across a supervisor restart and expires by itself on time', async (t) => {
  const tcp = await startTcpBackend();
  t.after(() => tcp.close());
  const port = await freePort();
  const first = await SupervisorProcess.start({ proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [tcp.port] }) }, waitForRunning: ['p'] });
  const ban = await first.api('POST', '/api/l7/banned/127.0.0.4?duration=8s', { key: ADMIN_KEY });
  const expiresAt = Date.parse(ban.body.ban.expires_at);
  const sup = await first.restart({ waitForRunning: ['p'] });
  t.after(() => sup.stop());
  assert.deepEqual((await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body.map((b: any) => b.ip), ['127.0.0.4']);
  const refused = await TcpClient.connect(port, { localAddress: '127.0.0.4' });
  await refused.waitClosed(1000);
  assert.equal(refused.received.length, 0);
  assert.ok(Date.now() < expiresAt - 500, 'the restart took most of the ban; raise its duration');
  await waitFor('the ban to expire', async () => {
    const client = await TcpClient.connect(port, { localAddress: '127.0.0.4' });
    client.write('x');
    try {
      await client.waitForBytes(1, 200);
      return true;
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  }, { timeoutMs: 12_000, intervalMs: 100 });
  const late = Date.now() - expiresAt;
  t.diagnostic(`the ban survived the restart; the IP was let back ${late} ms after expires_at`);
  assert.ok(late > -300 && late < 1500, `let back ${late} ms after expires_at`);
  assert.deepEqual((await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body, []);
});

test('a ban scored in one proxy closes the IP\'s connection in another', async (t) => {
  const { sup, ports } = await twoProxies(t, `
l7_protection:
  enabled: true
  payload_inspection:
    enabled: true
    mode: "minecraft-java"
  behavioral_scoring:
    enabled: true
    ban_threshold: 60
    ban_duration: 1m
`);
  const other = await echoing(ports.b, '127.0.0.5');
  t.after(() => other.destroy());
  const udp = await UdpClient.bind('127.0.0.5');
  t.after(() => udp.close());
  assert.ok(await udpEchoes(udp, ports.ua));
  assert.ok(await udpEchoes(udp, ports.ub));
  const first = await TcpClient.connect(ports.a, { localAddress: '127.0.0.5' });
  first.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  await first.waitClosed(1000);
  // The second invalid_protocol (30 + 30 points) reaches ban_threshold 60.
  const second = await TcpClient.connect(ports.a, { localAddress: '127.0.0.5' });
  const bannedAt = Date.now();
  second.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  await second.waitClosed(1000);
  await other.waitClosed(1000);
  await waitFor('the udp sessions in ua and ub to end', async () => (await sessionsOf(sup, 'ua', '127.0.0.5')) + (await sessionsOf(sup, 'ub', '127.0.0.5')) === 0, { timeoutMs: 1000, intervalMs: 20 });
  const closedMs = Date.now() - bannedAt;
  t.diagnostic(`scored ban: the TCP connection in b and the UDP sessions in ua and ub closed ${closedMs} ms after the offending connection`);
  assert.ok(closedMs < 1000, `closed after ${closedMs} ms`);
  assert.equal(await udpEchoes(udp, ports.ub), false, 'the banned IP\'s datagrams are dropped in another proxy');
  const list = (await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body;
  assert.equal(list[0].ip, '127.0.0.5');
  assert.equal(list[0].source, 'a');
  assert.equal(Date.parse(list[0].expires_at) - Date.parse(list[0].created_at), 60_000, 'behavioral_scoring.ban_duration');
  assert.match(list[0].reason, /^behavioural score 60 reached ban_threshold 60$/);
  const events = await waitFor('the events to be logged', async () => {
    const body = (await sup.api('GET', '/api/l7/events?ip=127.0.0.5', { key: ADMIN_KEY })).body as any[];
    return body.length >= 3 ? body : undefined;
  });
  assert.deepEqual(events.map((e) => e.event_type), ['banned', 'invalid_protocol', 'invalid_protocol']);
  assert.ok(events[0].id > events[1].id);
  const view = (await sup.api('GET', '/api/proxies/a/l7', { key: ADMIN_KEY })).body;
  await waitFor('the blocked counter', async () => ((await sup.api('GET', '/api/proxies/a/l7', { key: ADMIN_KEY })).body.blocked.invalid_protocol ?? 0) === 2);
  assert.equal(view.bans_active, 1);
  assert.equal(view.config.payload_inspection.mode, 'minecraft-java');

  const stats = (await sup.api('GET', '/api/stats', { key: ADMIN_KEY })).body;
  assert.equal(stats.l7_banned, 1);
  assert.ok(stats.l7_blocked >= 2);
  assert.equal((await sup.api('GET', '/api/stats/proxy/a', { key: ADMIN_KEY })).body.l7_banned, 1);
  assert.equal((await sup.api('GET', '/api/stats/proxy/b', { key: ADMIN_KEY })).body.l7_banned, 0);
  assert.ok((await sup.api('GET', '/api/overview', { key: ADMIN_KEY })).body.proxies.find((p: any) => p.name === 'a').l7_blocked >= 2);

  // The same counts in every /metrics format, and the Prometheus text passes promtool.
  const metric = async (format: string) => (await sup.api('GET', `/metrics?format=${format}`, { key: ADMIN_KEY })).text;
  const prom = parsePrometheus(await metric('prometheus'));
  assert.equal(promSum(prom, 'routex_l7_blocked_by_reason_total', { proxy: 'a', reason: 'invalid_protocol' }), 2);
  assert.equal(promSum(prom, 'routex_l7_events_total', { proxy: 'a', event: 'banned' }), 1);
  assert.equal(promSum(prom, 'routex_bans_active'), 1);
  assert.ok(promSum(prom, 'routex_l7_blocked_total', { proxy: 'a' }) >= 2);
  const json = JSON.parse(await metric('json'));
  assert.equal(json.bans_active, 1, 'the active bans gauge in JSON');
  assert.equal(parseInflux(await metric('influx')).find((l) => l.measurement === 'routex')?.fields['bans_active'], 1, 'in Influx');
  assert.equal(csvRecords(await metric('csv')).find((r) => r.metric === 'bans_active' && r.scope === 'global')?.value, '1', 'in CSV');
  assert.equal(json.proxies.find((p: any) => p.proxy === 'a').l7_event.invalid_protocol.l7_events, 2);
  assert.equal(parseInflux(await metric('influx')).find((l) => l.measurement === 'routex_l7_reason' && l.tags['reason'] === 'invalid_protocol')?.fields['l7_blocked_by_reason'], 2);
  assert.equal(csvRecords(await metric('csv')).find((r) => r.scope === 'l7_event' && r.kind === 'banned')?.value, '1');
  const missing = missingTool('promtool', 'prometheus');
  if (missing !== false) {
    if (process.env['CI']) assert.fail(missing);
    t.diagnostic(`promtool check skipped: ${missing}`);
    return;
  }
  const check = spawnSync('promtool', ['check', 'metrics'], { input: await metric('prometheus'), encoding: 'utf8' });
  assert.equal(`${check.status} ${check.stdout}${check.stderr}`.trim(), '0', 'promtool check metrics is clean');
});

test('bad ban requests are refused with a clear error', async (t) => {
  const { sup } = await twoProxies(t);
  const bad = async (method: string, path: string) => (await sup.api(method, path, { key: ADMIN_KEY })).body.error.code;
  assert.equal(await bad('POST', '/api/l7/banned/not-an-ip'), 'ERR_BAN_TARGET_INVALID');
  assert.equal(await bad('POST', '/api/l7/banned/10.0.0.1?duration=soon'), 'ERR_BAN_DURATION_INVALID');
  assert.equal(await bad('POST', '/api/l7/banned/10.0.0.1?duration=0'), 'ERR_BAN_DURATION_INVALID');
  assert.equal(await bad('GET', '/api/l7/events?limit=0'), 'ERR_QUERY_INVALID');
  const network = await sup.api('POST', '/api/l7/banned/10.9.0.0%2F16', { key: ADMIN_KEY });
  assert.equal(network.body.ban.ip, '10.9.0.0/16');
  assert.equal(network.body.ban.expires_at, null);
  assert.equal((await sup.api('GET', '/api/l7/banned', { key: 'wrong' })).status, 401);
});
