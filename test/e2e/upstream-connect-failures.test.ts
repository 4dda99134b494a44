import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { parsePrometheus, promSum } from '../helpers/metrics-parsers.js';
import { waitFor } from '../helpers/wait-for.js';

test('a failed upstream connect closes the client and is counted for that upstream, in the API and /metrics', async (t) => {
  const [port, closedPort] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [closedPort] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  for (let i = 0; i < 2; i++) {
    const client = await TcpClient.connect(port);
    await client.waitClosed(3000);
    assert.equal(client.received.length, 0);
  }
  const upstream = `127.0.0.1:${closedPort}`;
  const stats = await waitFor('two connect failures counted', async () => {
    const body = (await sup.api('GET', '/api/stats/proxy/p', { key: READ_KEY })).body;
    return body.upstreams[0]?.connect_failures === 2 ? body : undefined;
  });
  assert.equal(stats.upstreams[0].upstream, upstream);
  const prom = parsePrometheus((await sup.api('GET', '/metrics?format=prometheus', { key: METRICS_KEY })).text);
  assert.equal(promSum(prom, 'routex_upstream_connect_failures_total', { proxy: 'p', upstream }), 2);
});
