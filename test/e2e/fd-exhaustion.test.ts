// A worker at its file-descriptor limit: connections arriving then are reset by libuv and Node
// says nothing, so the worker watches its own count. Running out is logged once per 10 s, counted
// in routex_fd_exhausted_total, and the worker's limit and use are in the API and the metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ADMIN_KEY } from '../helpers/supervisor-process.js';
import { startOneProxy } from '../helpers/one-proxy.js';
import { parsePrometheus, promSum } from '../helpers/metrics-parsers.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const NO_PRLIMIT = missingTool('prlimit', 'util-linux');
const EXHAUSTED = 'file descriptors exhausted, new connections are reset';

test('a worker out of file descriptors logs it once per interval, counts it, and shows its limit and use', { skip: skipOutsideCi(NO_PRLIMIT) }, async (t) => {
  failOnMissing(NO_PRLIMIT);
  const { sup, port } = await startOneProxy(t, '', { greeting: 'hi\n' });
  const before = await sup.waitForProxy('p', 'its descriptors sampled', (p) => p.open_fds > 0 && p.fd_limit > 0);
  const pid = before.pid as number;
  // Room for a few connections (two descriptors each) above what the worker holds now.
  const limit = (before.open_fds as number) + 10;
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`]);
  await sup.waitForProxy('p', `its limit read as ${limit}`, (p) => p.fd_limit === limit);

  const clients: TcpClient[] = [];
  t.after(() => clients.forEach((c) => c.destroy()));
  const hammerUntil = Date.now() + 2500;
  for (let i = 0; i < 200 && Date.now() < hammerUntil; i++) {
    clients.push(...(await TcpClient.connect(port).then((c) => [c], () => [])));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const lines = await waitFor('the exhaustion logged', () => {
    const found = sup.logs.filter((l) => l['message'] === EXHAUSTED);
    return found.length > 0 ? found : undefined;
  });
  const view = await sup.proxy('p');
  const metrics = parsePrometheus((await sup.api('GET', '/metrics?format=prometheus', { key: ADMIN_KEY })).text);
  t.diagnostic(`limit ${limit}: ${clients.length} connections tried, ${clients.filter((c) => !c.closed).length} still open; open_fds ${view.open_fds}, fd_exhausted ${view.fd_exhausted}; ${lines.length} log line(s): ${JSON.stringify(lines[0])}`);

  assert.ok(clients.some((c) => c.closed), 'connections past the limit were reset');
  assert.equal(lines.length, 1, 'once per 10 s, however many times it happened');
  assert.deepEqual([lines[0]!['level'], lines[0]!['proxy'], lines[0]!['fdLimit']], ['error', 'p', limit]);
  // Still at the limit (the open connections hold it there): the next line comes one interval
  // later and stands for every time it happened meanwhile.
  const again = await waitFor('the exhaustion logged again', () => {
    const found = sup.logs.filter((l) => l['message'] === EXHAUSTED);
    return found.length > 1 ? found : undefined;
  }, { timeoutMs: 15_000 });
  const apartMs = Date.parse(String(again[1]!['timestamp'])) - Date.parse(String(lines[0]!['timestamp']));
  t.diagnostic(`logged again ${apartMs} ms later: ${JSON.stringify(again[1])}`);
  assert.equal(again.length, 2);
  assert.ok(apartMs >= 10_000 && apartMs < 13_000, `${apartMs} ms between the lines`);
  assert.ok((again[1]!['occurrences'] as number) > 1, 'the second line counts what happened since the first');
  assert.ok((view.open_fds as number) >= limit - 1, `open_fds ${view.open_fds} of ${limit}`);
  assert.equal(view.fd_limit, limit);
  assert.ok((view.fd_exhausted as number) >= 1);
  assert.ok(promSum(metrics, 'routex_fd_exhausted_total', { proxy: 'p' }) >= 1);
  assert.equal(promSum(metrics, 'routex_fd_limit', { proxy: 'p' }), limit);
  assert.ok(promSum(metrics, 'routex_event_loop_lag_seconds') >= 0);

  // Descriptors back: the proxy serves again.
  for (const client of clients.splice(0)) client.destroy();
  await waitFor('a new connection served', async () => {
    const client = await TcpClient.connect(port);
    try {
      await client.waitForText('hi', 1000);
      return true;
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  }, { timeoutMs: 10_000 });
});
