// data_path: kernel through the same API and metrics as a userspace proxy: the connection list is
// conntrack's flows (client, listener port, upstream, bytes, start), the gauges count them, the
// Prometheus exposition carries the proxy's series, and DELETE of a connection ends that flow only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml, repliesOf as replies, waitForStats } from '../helpers/kernel-lab.js';
import { parsePrometheus, promSum } from '../helpers/metrics-parsers.js';
import { ADMIN_KEY, METRICS_KEY, READ_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = kernelLabUnavailable();
const PORT = 25650;

describe('kernel forwarding: the same API and metrics as userspace', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let clientIp: string;
  let upstreamIp: string;
  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    clientIp = lab.lab.ip('cli', 'prx');
    upstreamIp = lab.backendIps[0];
    await lab.startBackend(upstreamIp, [35565]);
    supervisor = await lab.startSupervisor(
      { 'k.yaml': kernelProxyYaml('k', { 'origin-ip': lab.proxyIp, 'origin-port': PORT, 'dest-ip': upstreamIp, 'dest-port': 35565, protocol: 'tcp-udp' }, 'connection_draining:\n  timeout: 1s\n') },
      ['k'],
    );
  });

  after(async () => {
    await supervisor?.stop();
    await lab?.destroy();
  });

  it('lists the live TCP connection and UDP session from conntrack, counts them in the stats and /metrics, and DELETE ends one flow', async (t) => {
    const proxy = (await supervisor.api('GET', '/api/proxies/k', { key: READ_KEY })).body;
    assert.equal(proxy.data_path, 'kernel');
    const tcp = lab.session(t, 'tcp-session', PORT);
    const udp = lab.session(t, 'session', PORT);
    await waitFor('both sessions flowing', () => replies(tcp).length >= 3 && replies(udp).length >= 3);

    const list = await waitFor('both flows listed', async () => {
      const body = (await supervisor.api('GET', '/api/proxies/k/connections', { key: READ_KEY })).body as any[];
      return body.length === 2 && body.every((c) => c.bytes_in > 0 && c.bytes_out > 0) ? body : undefined;
    });
    assert.deepEqual(list.map((c) => c.protocol).sort(), ['tcp', 'udp']);
    for (const flow of list) {
      assert.equal(flow.src_ip, clientIp);
      assert.equal(flow.listener_port, PORT);
      assert.equal(flow.upstream, upstreamIp);
      assert.equal(flow.upstream_port, 35565);
      const age = Date.now() - Date.parse(flow.started_at);
      assert.ok(age >= 0 && age < 60_000, `started_at ${flow.started_at}`);
    }

    const stats = await waitForStats(supervisor, 'k', 'both flows counted', (s) => s.active_tcp_connections === 1 && s.active_udp_sessions === 1);
    assert.equal(stats.active_connections, 2);
    const metrics = parsePrometheus((await supervisor.api('GET', '/metrics?format=prometheus', { key: METRICS_KEY })).text);
    assert.equal(promSum(metrics, 'routex_active_connections', { proxy: 'k' }), 2);
    assert.equal(promSum(metrics, 'routex_active_tcp_connections', { proxy: 'k' }), 1);
    assert.equal(promSum(metrics, 'routex_udp_sessions', { proxy: 'k' }), 1);
    assert.ok(promSum(metrics, 'routex_connections_total', { proxy: 'k' }) >= 2);
    assert.ok(promSum(metrics, 'routex_bytes_in_total', { proxy: 'k' }) > 0 && promSum(metrics, 'routex_bytes_out_total', { proxy: 'k' }) > 0);
    assert.equal(promSum(metrics, 'routex_upstream_healthy', { proxy: 'k' }), 1);
    t.diagnostic(`stats: active ${stats.active_connections}, bytes_in ${stats.bytes_in}, bytes_out ${stats.bytes_out}, tcp ${stats.tcp_connections}, udp ${stats.udp_sessions_total}`);

    const tcpFlow = list.find((c) => c.protocol === 'tcp');
    const killedAt = Date.now();
    assert.deepEqual((await supervisor.api('DELETE', `/api/proxies/k/connections/${tcpFlow.id}`, { key: ADMIN_KEY })).body, { status: 'killed', id: tcpFlow.id });
    const closed = await waitFor('the TCP session cut', () => tcp.find((line) => line.closed), { timeoutMs: 2000 });
    t.diagnostic(`the TCP connection ended ${closed.at - killedAt} ms after the DELETE, with ${closed.error}`);
    const since = Date.now();
    await waitFor('the UDP session still answered', () => replies(udp).some((r) => r.at > since + 200), { timeoutMs: 2000 });
    assert.equal((await supervisor.api('DELETE', `/api/proxies/k/connections/${tcpFlow.id}`, { key: ADMIN_KEY })).status, 404);
  });
});
