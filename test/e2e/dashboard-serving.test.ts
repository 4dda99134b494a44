import { test } from 'node:test';
import http from 'node:http';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { ADMIN_KEY, METRICS_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startOneProxy } from '../helpers/one-proxy.js';
import { EventStreamClient } from '../helpers/event-stream-client.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { entriesOf } from '../../shared/counters/counters.js';

test('the dashboard is served at /dashboard/ with a strict CSP, cacheable hashed assets and nothing from elsewhere', async (t) => {
  const { sup } = await startOneProxy(t);
  const base = `http://127.0.0.1:${sup.apiPort}`;

  const root = await fetch(`${base}/`, { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/dashboard/');
  const bare = await fetch(`${base}/dashboard`, { redirect: 'manual' });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), '/dashboard/');

  const page = await fetch(`${base}/dashboard/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const html = await page.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, 'no inline script');
  assert.doesNotMatch(html, /<style|style=/, 'no inline style');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from another origin');

  const assets = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(assets.some((a) => /app-\w+\.js$/.test(a)) && assets.some((a) => /app-\w+\.css$/.test(a)), `assets: ${assets.join(', ')}`);
  for (const asset of assets) {
    const response = await fetch(`${base}/dashboard/${asset}`);
    assert.equal(response.status, 200, asset);
    const body = await response.text();
    if (/-\w+\.(js|css)$/.test(asset)) assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable', asset);
    if (asset.endsWith('.js')) {
      assert.match(response.headers.get('content-type') ?? '', /javascript/);
      // The bundle may name other sites in comments or docs strings, but never loads from one.
      assert.doesNotMatch(body, /\bimport\s*\(\s*["']https?:|fetch\(\s*["']https?:/);
    }
  }
  assert.equal((await fetch(`${base}/dashboard/assets/nope.js`)).status, 404);
});

/** The response headers of `GET /dashboard/` as a browser that typed `host` in its address bar gets them. */
function dashboardHeaders(port: number, host: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/dashboard/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.headers);
    }).on('error', reject);
  });
}

test('Cross-Origin-Opener-Policy only where browsers apply it (loopback, HTTPS): elsewhere it would be a console error on every load', async (t) => {
  const { sup } = await startOneProxy(t);
  for (const host of [`127.0.0.1:${sup.apiPort}`, `localhost:${sup.apiPort}`, `[::1]:${sup.apiPort}`]) {
    assert.equal((await dashboardHeaders(sup.apiPort, host))['cross-origin-opener-policy'], 'same-origin', host);
  }
  for (const host of [`10.0.0.5:${sup.apiPort}`, 'routex.example.net']) {
    const headers = await dashboardHeaders(sup.apiPort, host);
    assert.equal(headers['cross-origin-opener-policy'], undefined, host);
    assert.match(String(headers['content-security-policy']), /default-src 'none'/, `${host}: the other headers stay`);
  }
});

test('/api/whoami names the key and its permissions; no key is a 401', async (t) => {
  const { sup } = await startOneProxy(t);
  assert.deepEqual((await sup.api('GET', '/api/whoami', { key: READ_KEY })).body, { label: 'dashboard', permissions: ['proxies:read', 'metrics:read'] });
  assert.deepEqual((await sup.api('GET', '/api/whoami', { key: METRICS_KEY })).body, { label: 'prometheus', permissions: ['metrics:read'] });
  assert.equal((await sup.api('GET', '/api/whoami')).status, 401);
  assert.equal((await sup.api('GET', '/api/whoami', { key: 'nope' })).status, 401);
});

test('api.dashboard: false serves no dashboard, and the API works as before', async (t) => {
  const next = await SupervisorProcess.start({
    globalYaml: `api:
  enabled: true
  bind: "127.0.0.1:{{API_PORT}}"
  dashboard: false
  api_keys:
    - { key: "${ADMIN_KEY}", label: "admin", permissions: ["*"] }
`,
  });
  t.after(() => next.stop());
  for (const path of ['/', '/dashboard/', '/dashboard/index.html']) {
    const response = await next.api('GET', path);
    assert.equal(response.status, 404, path);
    assert.equal(response.body.error.code, 'ERR_NOT_FOUND');
  }
  assert.equal((await next.api('GET', '/api/health')).status, 200);
});

test('the event stream: hello, a counter snapshot every second, traffic as rates, a crash as it happens', async (t) => {
  const { sup, port } = await startOneProxy(t);

  const anonymous = await EventStreamClient.open(sup.apiPort, undefined);
  assert.equal(anonymous.status, 401);
  const metricsOnly = await EventStreamClient.open(sup.apiPort, METRICS_KEY);
  assert.equal(metricsOnly.status, 403);
  assert.match(metricsOnly.refusal, /ERR_AUTH_FORBIDDEN/);

  const stream = await EventStreamClient.open(sup.apiPort, READ_KEY);
  t.after(() => stream.close());
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(stream.headers.get('cache-control'), 'no-store');
  const hello = await stream.next('hello');
  assert.deepEqual(hello.data, { key: 'dashboard', permissions: ['proxies:read', 'metrics:read'], interval_ms: 1000 });
  const first = await stream.next('counters');
  assert.deepEqual(first.data.proxies.map((p: any) => [p.name, p.state]), [['p', 'running']]);
  // Every proxy value of the counter table is in the snapshot, and every counter has a rate.
  const table = entriesOf('proxy');
  assert.deepEqual(Object.keys(first.data.proxies[0].values).sort(), table.map((e) => e.spec.key).sort());
  assert.deepEqual(Object.keys(first.data.proxies[0].per_second).sort(), table.filter((e) => e.spec.kind === 'counter').map((e) => e.spec.key).sort());

  const client = await TcpClient.connect(port);
  t.after(() => client.destroy());
  client.write('x'.repeat(50_000));
  await client.waitForBytes(50_000);
  const busy = await stream.next('counters', (d) => d.proxies[0].per_second.bytes_in > 0 && d.proxies[0].values.active_connections === 1, 4000);
  assert.ok(busy.data.totals.per_second.bytes_in > 0);
  const counters = stream.events.filter((e) => e.event === 'counters');
  const gaps = counters.slice(1).map((e, i) => e.receivedAtMs - counters[i]!.receivedAtMs);
  assert.ok(gaps.length >= 1 && gaps.every((gap) => gap > 500 && gap < 2000), `snapshot gaps ${gaps.join(', ')} ms`);

  const pid = (await sup.proxy('p')).pid;
  const from = stream.events.length;
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  const crashed = await stream.next('worker.crashed', (d) => d.proxy === 'p', 3000, from);
  assert.equal(crashed.data.pid, pid);
  assert.equal(crashed.data.signal, 'SIGKILL');
  assert.equal(crashed.data.restarts, 1);
  assert.ok(crashed.receivedAtMs - killedAt < 1000, `crash reported after ${crashed.receivedAtMs - killedAt} ms`);
  const running = await stream.next('proxy.state', (d) => d.proxy === 'p' && d.state === 'running', 5000, from);
  assert.notEqual(running.data.pid, pid);
  assert.equal(running.data.restarts, 1);
  assert.ok(stream.events.slice(from).some((e) => e.event === 'proxy.state' && e.data.state === 'backoff'));
});

test('the event stream ends with "revoked" when a config reload removes its key', async (t) => {
  const { sup } = await startOneProxy(t);
  const admin = await EventStreamClient.open(sup.apiPort, ADMIN_KEY);
  const reader = await EventStreamClient.open(sup.apiPort, READ_KEY);
  t.after(() => admin.close());
  t.after(() => reader.close());
  await reader.next('counters');
  const text = readFileSync(sup.globalFile, 'utf8');
  writeFileSync(sup.globalFile, text.replace(/    - key: "test-read-key-0123456789"\n.*\n.*\n/, ''));
  sup.signal('SIGHUP');
  const revoked = await reader.next('revoked', () => true, 5000);
  assert.equal(revoked.data.code, 'ERR_AUTH_INVALID_KEY');
  await waitFor('the revoked stream to end', () => reader.ended, { timeoutMs: 3000 });
  assert.equal((await sup.api('GET', '/api/proxies', { key: READ_KEY })).status, 401, 'the key is gone for every route');
  const count = admin.events.length;
  await admin.next('counters', () => true, 3000, count);
  assert.equal(admin.ended, false, 'other keys keep their stream');
  assert.ok(sup.logs.some((l) => l.message === 'api keys reloaded'));
});
