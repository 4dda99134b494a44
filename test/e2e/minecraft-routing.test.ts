// Minecraft Java through the real supervisor: one listener, routes by the handshake's host, the
// proxy's own answers (reject, status cache, offline status), with minecraft-protocol clients and
// servers on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess, ADMIN_KEY, METRICS_KEY } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { loginAs, motdOf, pingAs, startMinecraftBackend } from '../helpers/minecraft-backend.js';
import { parsePrometheus } from '../helpers/metrics-parsers.js';

interface TestContext {
  after(fn: () => unknown): void;
}

async function startProxy(t: TestContext, destPort: number, extra: string): Promise<{ sup: SupervisorProcess; port: number }> {
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'mc.yaml': proxyYaml({ name: 'mc', originPorts: [port], destPorts: [destPort], extra }) }, waitForRunning: ['mc'] });
  t.after(() => sup.stop());
  return { port, sup };
}

test('one listener, two hostnames: pings and logins reach their own backend; Forge hosts route like plain ones; unknown hosts get the reject answers', async (t) => {
  const a = await startMinecraftBackend('A');
  const b = await startMinecraftBackend('B');
  t.after(() => Promise.all([a.close(), b.close()]));
  const unused = await freePort();
  const { port, sup } = await startProxy(
    t,
    unused,
    `
routing:
  by: "minecraft-host"
  unknown: "reject"
  reject_motd: "No such server here"
  reject_message: "Unknown address, check your server list"
routes:
  - name: "a"
    hosts: ["a.example.test"]
    dest-ip: "127.0.0.1"
    dest-port: ${a.port}
  - name: "b"
    hosts: ["*.b.example.test", "b.example.test"]
    dest-ip: "127.0.0.1"
    dest-port: ${b.port}
`,
  );
  assert.equal(motdOf(await pingAs('a.example.test', port)), 'A MOTD');
  assert.equal(motdOf(await pingAs('B.Example.Test.', port)), 'B MOTD');
  assert.equal(motdOf(await pingAs('eu.b.example.test', port)), 'B MOTD');
  assert.equal(await loginAs('a.example.test', port), 'Welcome to A');
  assert.equal(await loginAs('b.example.test', port), 'Welcome to B');
  assert.equal(await loginAs('a.example.test', port, { handshakeHost: 'a.example.test\0FML3\0' }), 'Welcome to A');
  assert.equal(await loginAs('a.example.test', port, { handshakeHost: 'a.example.test///203.0.113.7:40000///1700000000' }), 'Welcome to A');
  assert.deepEqual(a.loginHosts, ['a.example.test', 'a.example.test\0FML3\0', 'a.example.test///203.0.113.7:40000///1700000000'], 'the backend gets the address as sent');
  assert.deepEqual(b.loginHosts, ['b.example.test']);

  const unknownPing = await pingAs('c.example.test', port);
  assert.equal(motdOf(unknownPing), 'No such server here');
  assert.equal(await loginAs('c.example.test', port), 'Unknown address, check your server list');

  const stats = await waitFor('per-route counts in the API', async () => {
    const body = (await sup.api('GET', '/api/stats/proxy/mc', { key: ADMIN_KEY })).body;
    const byName = Object.fromEntries(body.routes.map((r: { route: string }) => [r.route, r]));
    return byName.a?.connections === 4 && byName.b?.connections === 3 && body.routing_rejected === 2 ? body : undefined;
  });
  assert.deepEqual(stats.routes.map((r: { route: string; hosts: string[] }) => [r.route, r.hosts]), [['default', []], ['a', ['a.example.test']], ['b', ['*.b.example.test', 'b.example.test']]]);
  const samples = parsePrometheus((await sup.api('GET', '/metrics?format=prometheus', { key: METRICS_KEY })).text);
  const routeSample = (name: string, route: string) => samples.find((s) => s.name === name && s.labels.proxy === 'mc' && s.labels.route === route)?.value;
  assert.equal(routeSample('routex_route_connections_total', 'a'), 4);
  assert.equal(routeSample('routex_route_connections_total', 'b'), 3);
  assert.equal(routeSample('routex_route_connections_total', 'default'), 0);
});

test('status cache: 200 pings in one ttl make one status request at the backend, per protocol version; a new MOTD shows after the ttl', async (t) => {
  const backend = await startMinecraftBackend('Cached', { motd: 'first MOTD', version: false });
  t.after(() => backend.close());
  const { port, sup } = await startProxy(t, backend.port, 'status_cache:\n  enabled: true\n  ttl: 4s\n');
  const pings = Array.from({ length: 200 }, () => pingAs('play.example.test', port));
  const results = await Promise.all(pings);
  assert.ok(results.every((r) => motdOf(r) === 'first MOTD'));
  assert.equal(backend.statusRequests, 1);
  const older = await pingAs('play.example.test', port, '1.20.4');
  assert.equal(older.version.protocol, 765, 'the 1.20.4 client gets the status the backend gives 1.20.4');
  assert.equal(results[0]!.version.protocol, 769);
  assert.equal(backend.statusRequests, 2);
  backend.motd = 'second MOTD';
  const changedAt = Date.now();
  await waitFor('the new MOTD through the cache', async () => motdOf(await pingAs('play.example.test', port)) === 'second MOTD', { timeoutMs: 8000, intervalMs: 250 });
  assert.ok(Date.now() - changedAt > 2000, 'the cached status was served until the ttl passed');
  assert.equal(backend.statusRequests, 3);
  const stats = await waitFor('the answers counted', async () => {
    const body = (await sup.api('GET', '/api/stats/proxy/mc', { key: ADMIN_KEY })).body;
    return body.routes[0].status_fetches === 3 ? body : undefined;
  });
  assert.ok(stats.routes[0].answered >= 202, 'every ping answered by the proxy is counted');
});
