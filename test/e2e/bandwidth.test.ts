import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { ADMIN_KEY, METRICS_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient, tcpRoundTrip } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const MB = 1024 * 1024;

function bandwidthBlock(limits: string): string {
  return `bandwidth:
  enabled: true
${limits}
  suspend_on_limit: true
`;
}

/** A new connection to a suspended proxy is accepted by the kernel and closed at once, unserved. */
async function assertRefused(port: number): Promise<void> {
  const client = await TcpClient.connect(port);
  try {
    client.write('hello?');
    await client.waitClosed(3000);
    assert.equal(client.received.length, 0);
  } finally {
    client.destroy();
  }
}

test('a 1 MB daily limit: 2 MB suspends new connections while the open one flows; reset needs the admin key and lifts it', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'alpha.yaml': proxyYaml({ name: 'alpha', originPorts: [port], destPorts: [backend.port], extra: bandwidthBlock('  daily_limit: 1048576') }) },
    waitForRunning: ['alpha'],
  });
  t.after(() => sup.stop());

  const open = await TcpClient.connect(port);
  t.after(() => open.destroy());
  open.write(Buffer.alloc(MB, 3)); // 1 MB in, echoed: 1 MB out = 2 MB
  await open.waitForBytes(MB, 10_000);
  await sup.waitForProxy('alpha', 'suspended', (p) => p.suspended === true, 5000);

  await assertRefused(port);
  open.write('still here');
  await open.waitForBytes(MB + 10);
  assert.equal(open.closed, false, 'the open connection keeps flowing');

  const usage = (await sup.api('GET', '/api/bandwidth/proxy/alpha', { key: METRICS_KEY })).body;
  assert.equal(usage.suspended, true);
  assert.match(usage.suspended_reason, /daily limit of 1048576 bytes/);
  assert.ok(usage.daily_used >= 2 * MB);
  assert.ok(usage.daily_percent >= 200);
  assert.equal(usage.limits.daily, MB);
  assert.equal(usage.periods.daily.exceeded, true);
  assert.equal(usage.suspended_until, usage.periods.daily.end);
  const warning = sup.logs.find((l) => l.message === 'proxy suspended, bandwidth limit reached');
  assert.equal(warning?.level, 'warn');
  assert.equal(warning?.period, 'daily');
  assert.equal(warning?.limitBytes, MB);
  const overview = (await sup.api('GET', '/api/overview', { key: READ_KEY })).body;
  assert.equal(overview.proxies.find((p: any) => p.name === 'alpha').suspended, true);
  const stats = (await sup.api('GET', '/api/stats/proxy/alpha', { key: READ_KEY })).body;
  assert.equal(stats.suspended, true);
  assert.equal(stats.bandwidth.suspended, true);
  await waitFor('the refused connection to be counted', async () => {
    const metrics = (await sup.api('GET', '/metrics/proxy/alpha?format=json', { key: METRICS_KEY })).body;
    return metrics.suspended === 1 && metrics.suspended_refused >= 1;
  });

  await t.test('a worker restarted while suspended starts suspended', async () => {
    assert.equal((await sup.api('POST', '/api/proxies/alpha/restart', { key: ADMIN_KEY })).status, 200);
    await sup.waitForState('alpha', 'running');
    await assertRefused(port);
  });

  await t.test('reset with a read key is 403 and erases nothing', async () => {
    for (const key of [METRICS_KEY, READ_KEY]) assert.equal((await sup.api('POST', '/api/bandwidth/proxy/alpha/reset', { key })).status, 403);
    assert.equal((await sup.api('GET', '/api/bandwidth/proxy/alpha', { key: METRICS_KEY })).body.suspended, true);
  });

  await t.test('reset with the admin key zeroes the counters and lifts the suspension', async () => {
    const reset = await sup.api('POST', '/api/bandwidth/proxy/alpha/reset', { key: ADMIN_KEY });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.status, 'reset');
    assert.equal(reset.body.bandwidth.daily_used, 0);
    assert.equal(reset.body.bandwidth.suspended, false);
    assert.equal((await sup.proxy('alpha')).suspended, false);
    const reply = await tcpRoundTrip(port, 'served again', 12);
    assert.equal(reply.toString(), 'served again');
    assert.ok(sup.logs.some((l) => l.message === 'proxy resumed, bandwidth quota available again' && l.cause === 'usage reset'));
  });
});

test('a suspended UDP proxy drops datagrams that would open a session; the live session goes on', async (t) => {
  const backend = await startUdpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'game.yaml': proxyYaml({ name: 'game', protocol: 'udp', originPorts: [port], destPorts: [backend.port], extra: bandwidthBlock('  hourly_limit: 4000') }) },
    waitForRunning: ['game'],
  });
  t.after(() => sup.stop());
  const socket = (): Promise<dgram.Socket & { replies: number }> =>
    new Promise((resolve) => {
      const s = Object.assign(dgram.createSocket('udp4'), { replies: 0 });
      s.on('message', () => s.replies++);
      s.bind(0, '127.0.0.1', () => resolve(s));
    });
  const live = await socket();
  t.after(() => live.close());
  for (let i = 0; i < 5; i++) live.send(Buffer.alloc(1000), port, '127.0.0.1');
  await waitFor('echoes', () => live.replies === 5);
  await sup.waitForProxy('game', 'suspended', (p) => p.suspended === true, 5000);

  const late = await socket();
  t.after(() => late.close());
  late.send(Buffer.alloc(10), port, '127.0.0.1');
  live.send(Buffer.alloc(10), port, '127.0.0.1');
  await waitFor('the live session\'s echo', () => live.replies === 6);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(late.replies, 0, 'no new session while suspended');
  const stats = (await sup.api('GET', '/api/stats/proxy/game', { key: READ_KEY })).body;
  assert.equal(stats.suspended, true);
  assert.equal(stats.active_udp_sessions, 1);
});
