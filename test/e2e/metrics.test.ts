import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ADMIN_KEY, METRICS_KEY, PROXIES_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { metricsGlobalYaml } from '../helpers/metrics-global.js';
import { csvRecords, parseInflux, parsePrometheus, promSum } from '../helpers/metrics-parsers.js';

interface Totals {
  bytes_in: number;
  bytes_out: number;
  total_connections: number;
  active_connections: number;
}

const KEYS = ['bytes_in', 'bytes_out', 'total_connections', 'active_connections'] as const;
const PROM: Record<(typeof KEYS)[number], string> = {
  bytes_in: 'routex_bytes_in_total',
  bytes_out: 'routex_bytes_out_total',
  total_connections: 'routex_connections_total',
  active_connections: 'routex_active_connections',
};

/** The same four numbers read from each format, for everything (`proxy` undefined) or one proxy. */
async function readAll(sup: SupervisorProcess, proxy?: string): Promise<Record<string, Totals>> {
  const base = proxy === undefined ? '/metrics' : `/metrics/proxy/${proxy}`;
  const get = async (format: string) => {
    const response = await sup.api('GET', `${base}?format=${format}`, { key: METRICS_KEY });
    assert.equal(response.status, 200, `${format}: ${response.text}`);
    return response;
  };
  const json = (await get('json')).body;
  const prom = parsePrometheus((await get('prometheus')).text);
  const influx = parseInflux((await get('influx')).text);
  const csv = csvRecords((await get('csv')).text);
  const pick = (read: (key: (typeof KEYS)[number]) => number): Totals => Object.fromEntries(KEYS.map((k) => [k, read(k)])) as unknown as Totals;
  const influxLine = proxy === undefined ? influx.find((l) => l.measurement === 'routex')! : influx.find((l) => l.measurement === 'routex_proxy' && l.tags.proxy === proxy)!;
  const csvScope = proxy === undefined ? 'global' : 'proxy';
  return {
    json: pick((k) => json[k]),
    prometheus: pick((k) => promSum(prom, PROM[k], proxy === undefined ? {} : { proxy })),
    influx: pick((k) => influxLine.fields[k]!),
    csv: pick((k) => Number(csv.find((r) => r.metric === k && r.scope === csvScope)?.value)),
  };
}

test('all four formats report the same totals, globally and per proxy, moving within 2 s while a connection stays open', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [alphaPort, betaPort] = [await freePort(), await freePort()];
  // The test helper's default global.yaml has metrics.enabled: false: /metrics answers anyway.
  const sup = await SupervisorProcess.start({
    proxies: {
      'alpha.yaml': proxyYaml({ name: 'alpha', originPorts: [alphaPort], destPorts: [backend.port] }),
      'beta.yaml': proxyYaml({ name: 'beta', originPorts: [betaPort], destPorts: [backend.port] }),
    },
    waitForRunning: ['alpha', 'beta'],
  });
  t.after(() => sup.stop());

  const alpha = await TcpClient.connect(alphaPort);
  t.after(() => alpha.destroy());
  alpha.write(Buffer.alloc(10_000, 1));
  await alpha.waitForBytes(10_000);
  const sentAt = Date.now();
  await waitFor('every format to show alpha\'s 10,000 bytes', async () => {
    const all = await readAll(sup, 'alpha');
    return Object.values(all).every((v) => v.bytes_in === 10_000 && v.bytes_out === 10_000 && v.active_connections === 1);
  }, { timeoutMs: 2000 });
  assert.ok(Date.now() - sentAt <= 2000);
  assert.equal(alpha.closed, false, 'counted while the connection is open');

  const beta = await TcpClient.connect(betaPort);
  t.after(() => beta.destroy());
  beta.write(Buffer.alloc(3_000, 2));
  await beta.waitForBytes(3_000);
  await waitFor('the global totals to include beta', async () => (await readAll(sup)).json.bytes_in === 13_000, { timeoutMs: 2000 });

  const expectedAlpha: Totals = { bytes_in: 10_000, bytes_out: 10_000, total_connections: 1, active_connections: 1 };
  const expectedAll: Totals = { bytes_in: 13_000, bytes_out: 13_000, total_connections: 2, active_connections: 2 };
  for (const [format, totals] of Object.entries(await readAll(sup, 'alpha'))) assert.deepEqual(totals, expectedAlpha, `alpha, ${format}`);
  for (const [format, totals] of Object.entries(await readAll(sup))) assert.deepEqual(totals, expectedAll, `all proxies, ${format}`);

  await t.test('history says it is disabled, and nothing crashes', async () => {
    const history = await sup.api('GET', '/api/stats/proxy/alpha/history', { key: ADMIN_KEY });
    assert.equal(history.status, 200);
    assert.equal(history.body.metrics_enabled, false);
    assert.deepEqual(history.body.points, []);
  });

  await t.test('the Prometheus output passes promtool check metrics', (st) => {
    const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (found.error !== undefined) {
      // .ci/run installs Debian's prometheus package (promtool) when it is missing.
      if (process.env['CI']) assert.fail('promtool is not installed');
      st.skip('promtool not installed');
      return;
    }
    return (async () => {
      for (const path of ['/metrics?format=prometheus', '/metrics/proxy/alpha?format=prometheus']) {
        const text = (await sup.api('GET', path, { key: METRICS_KEY })).text;
        const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        st.diagnostic(`promtool check metrics ${path}: exit ${check.status} ${check.stdout}${check.stderr}`.trim());
        assert.equal(check.status, 0, `${path}:\n${check.stdout}${check.stderr}`);
        assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'no problems reported');
      }
    })();
  });

  await t.test('text formats carry their content types; the scope is metrics:read', async () => {
    const types: Record<string, RegExp> = { prometheus: /^text\/plain; version=0\.0\.4/, influx: /^text\/plain/, csv: /^text\/csv/, json: /^application\/json/ };
    for (const [format, type] of Object.entries(types)) {
      assert.match((await sup.api('GET', `/metrics?format=${format}`, { key: METRICS_KEY })).headers.get('content-type') ?? '', type, format);
    }
    assert.equal((await sup.api('GET', '/metrics', { key: PROXIES_KEY })).status, 403);
    assert.equal((await sup.api('GET', '/metrics')).status, 401);
    assert.equal((await sup.api('GET', '/metrics/proxy/nope', { key: METRICS_KEY })).status, 404);
  });
});

test('metrics.formats limits what is served: 406 names the allowed formats, an unknown one is 400', async (t) => {
  const sup = await SupervisorProcess.start({ globalYaml: metricsGlobalYaml({ enabled: false, formats: ['prometheus', 'csv'] }) });
  t.after(() => sup.stop());
  const refused = await sup.api('GET', '/metrics?format=json', { key: METRICS_KEY });
  assert.equal(refused.status, 406);
  assert.equal(refused.body.error.code, 'ERR_METRICS_FORMAT_NOT_SERVED');
  assert.deepEqual(refused.body.error.details.allowed, ['prometheus', 'csv']);
  assert.equal((await sup.api('GET', '/metrics?format=xml', { key: METRICS_KEY })).status, 400);
  const fallback = await sup.api('GET', '/metrics', { key: METRICS_KEY });
  assert.equal(fallback.status, 200);
  assert.match(fallback.headers.get('content-type') ?? '', /version=0\.0\.4/, 'without ?format, the first served format');
  assert.equal((await sup.api('GET', '/metrics?format=CSV', { key: METRICS_KEY })).status, 200);
});
