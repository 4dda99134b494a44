import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient, tcpRoundTrip } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOneProxy } from '../helpers/one-proxy.js';
import { tcpRefused } from '../helpers/client-probes.js';

test('create through the API writes the file and the proxy forwards traffic', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());
  const port = await freePort();
  const created = await sup.api('POST', '/api/proxies', {
    key: ADMIN_KEY,
    body: { name: 'made', 'origin-ip': '127.0.0.1', 'origin-port': String(port), 'dest-ip': '127.0.0.1', 'dest-port': String(backend.port), protocol: 'tcp' },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.status, 'created');
  assert.equal(created.body.proxy.state, 'running');
  const file = path.join(sup.proxiesDir, 'made.yaml');
  assert.equal(created.body.config_path, file);
  assert.match(readFileSync(file, 'utf8'), /origin-port: "\d+"/);
  assert.equal((await tcpRoundTrip(port, 'via api', 7)).toString(), 'via api');

  const again = await sup.api('POST', '/api/proxies', {
    key: ADMIN_KEY,
    body: { name: 'made', 'origin-ip': '127.0.0.1', 'origin-port': String(await freePort()), 'dest-ip': '127.0.0.1', 'dest-port': '1', protocol: 'tcp' },
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'ERR_PROXY_EXISTS');
  const clash = await sup.api('POST', '/api/proxies', {
    key: ADMIN_KEY,
    body: { name: 'other', 'origin-ip': '127.0.0.1', 'origin-port': String(port), 'dest-ip': '127.0.0.1', 'dest-port': '1', protocol: 'tcp' },
  });
  assert.equal(clash.status, 409);
  assert.match(clash.body.error.message, /overlaps/);
  assert.deepEqual(readdirSync(sup.proxiesDir), ['made.yaml']);
});

test('create from YAML keeps its comments in the file', async (t) => {
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());
  const yaml = proxyYaml({ name: 'commented', originPorts: [await freePort()], destPorts: [await freePort()] }) + '# keep me\n';
  const created = await sup.api('POST', '/api/proxies', { key: ADMIN_KEY, rawBody: yaml, contentType: 'application/yaml' });
  assert.equal(created.status, 201, created.text);
  assert.match(readFileSync(path.join(sup.proxiesDir, 'commented.yaml'), 'utf8'), /# keep me/);
});

test('bad bodies answer 400 naming the field, and nothing reaches the disk', async (t) => {
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());
  const base = { name: 'bad', 'origin-ip': '127.0.0.1', 'origin-port': '30001', 'dest-ip': '127.0.0.1', 'dest-port': '30002', protocol: 'tcp' };
  const cases: { body?: unknown; rawBody?: string; contentType?: string; code: string; field?: RegExp }[] = [
    { rawBody: '{"name": "bad",', contentType: 'application/json', code: 'ERR_BODY_INVALID_JSON' },
    { rawBody: 'name: [unclosed', contentType: 'application/yaml', code: 'ERR_CONFIG_INVALID' },
    { body: { ...base, 'origin-port': true }, code: 'ERR_CONFIG_INVALID', field: /^origin-port$/ },
    { body: { ...base, timeouts: { client_read: 'soon' } }, code: 'ERR_CONFIG_INVALID', field: /^timeouts\.client_read$/ },
    { body: { ...base, load_balancer: { algorithm: 'random' } }, code: 'ERR_CONFIG_INVALID', field: /^load_balancer$/ },
    { body: { ...base, protocol: 'sctp' }, code: 'ERR_CONFIG_INVALID', field: /^protocol$/ },
  ];
  for (const c of cases) {
    const response = await sup.api('POST', '/api/proxies', { key: ADMIN_KEY, body: c.body, rawBody: c.rawBody, contentType: c.contentType });
    assert.equal(response.status, 400, `${JSON.stringify(c)} → ${response.text}`);
    assert.equal(response.body.error.code, c.code);
    if (c.field) assert.ok(response.body.error.details.errors.some((e: { path: string }) => c.field!.test(e.path)), response.text);
  }
  assert.deepEqual(readdirSync(sup.proxiesDir), []);
  assert.equal((await sup.proxies()).length, 0);
});

test('validate answers like routex check, including clashes with existing proxies', async (t) => {
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': proxyYaml({ name: 'a', originPorts: [port], destPorts: [await freePort()] }) }, waitForRunning: ['a'] });
  t.after(() => sup.stop());
  const ok = await sup.api('POST', '/api/proxies/validate', { key: ADMIN_KEY, rawBody: proxyYaml({ name: 'b', originPorts: [await freePort()], destPorts: [1] }), contentType: 'application/yaml' });
  assert.deepEqual(ok.body, { valid: true, errors: [], warnings: [] });
  const bad = await sup.api('POST', '/api/proxies/validate', { key: ADMIN_KEY, rawBody: proxyYaml({ name: 'b', originPorts: [await freePort()], destPorts: [1] }).replace('one-to-one: false', 'one-to-one: maybe'), contentType: 'application/yaml' });
  assert.equal(bad.body.valid, false);
  assert.ok(bad.body.errors.some((e: { path: string }) => e.path === 'one-to-one'), bad.text);
  const clash = await sup.api('POST', '/api/proxies/validate', { key: ADMIN_KEY, rawBody: proxyYaml({ name: 'b', originPorts: [port], destPorts: [1] }), contentType: 'application/yaml' });
  assert.equal(clash.body.valid, false);
  assert.equal(clash.body.errors[0].path, 'origin-port');
});

test('update is applied once: a listener change restarts the worker exactly once', async (t) => {
  const backend = await startTcpBackend({ greeting: 'hi\n' });
  t.after(() => backend.close());
  const [oldPort, newPort] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': '# operator notes\n' + proxyYaml({ name: 'p', originPorts: [oldPort], destPorts: [backend.port] }) }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  const oldPid = (await sup.proxy('p')).pid;
  const body = { name: 'p', 'origin-ip': '127.0.0.1', 'origin-port': String(newPort), 'dest-ip': '127.0.0.1', 'dest-port': String(backend.port), protocol: 'tcp', 'one-to-one': false };
  const updated = await sup.api('PUT', '/api/proxies/p', { key: ADMIN_KEY, body });
  assert.equal(updated.status, 200, updated.text);
  const newPid = updated.body.proxy.pid;
  assert.notEqual(newPid, oldPid);
  // The watcher sees the write ~200 ms later; it must not restart the worker again.
  await waitFor('the watcher to have seen the write', () => sup.logs.filter((l) => l.message === 'api request' && l.method === 'PUT').length > 0);
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal((await sup.proxy('p')).pid, newPid);
  assert.equal(sup.logs.filter((l) => l.message === 'proxy config applied' && l.proxy === 'p').length, 2, 'started once at boot, restarted once by the PUT');
  const text = readFileSync(path.join(sup.proxiesDir, 'p.yaml'), 'utf8');
  assert.match(text, /# operator notes/);
  assert.match(text, new RegExp(`origin-port: "${newPort}"`));
  assert.equal(await tcpRefused(oldPort), true);

  const renamed = await sup.api('PUT', '/api/proxies/p', { key: ADMIN_KEY, body: { ...body, name: 'q' } });
  assert.equal(renamed.status, 400);
  assert.equal(renamed.body.error.details.errors[0].path, 'name');
  assert.equal((await sup.api('PUT', '/api/proxies/nope', { key: ADMIN_KEY, body })).status, 404);
});

test('disable stops the proxy and writes enabled: false; enable brings it back; comments survive', async (t) => {
  const backend = await startTcpBackend({ greeting: 'hi\n' });
  t.after(() => backend.close());
  const port = await freePort();
  const yaml = proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port] }).replace('enabled: true', 'enabled: true   # flipped by the API');
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': yaml }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  const file = path.join(sup.proxiesDir, 'p.yaml');

  const disabled = await sup.api('POST', '/api/proxies/p/disable', { key: ADMIN_KEY });
  assert.equal(disabled.status, 200, disabled.text);
  assert.equal(disabled.body.status, 'disabled');
  await sup.waitForState('p', 'disabled');
  assert.equal(await tcpRefused(port), true);
  assert.match(readFileSync(file, 'utf8'), /enabled: false\s+# flipped by the API/);
  assert.match(readFileSync(file, 'utf8'), /^# test proxy p/);

  const enabled = await sup.api('POST', '/api/proxies/p/enable', { key: ADMIN_KEY });
  assert.equal(enabled.body.proxy.state, 'running');
  assert.match(readFileSync(file, 'utf8'), /enabled: true\s+# flipped by the API/);
  assert.equal((await tcpRoundTrip(port, 'x', 4)).toString(), 'hi\nx');
});

test('delete removes the file and stops the proxy', async (t) => {
  const port = await freePort();
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [await freePort()] }) }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  const deleted = await sup.api('DELETE', '/api/proxies/p', { key: ADMIN_KEY });
  assert.equal(deleted.status, 200);
  assert.equal(existsSync(path.join(sup.proxiesDir, 'p.yaml')), false);
  await waitFor('the port to close', () => tcpRefused(port));
  assert.equal((await sup.api('GET', '/api/proxies/p', { key: READ_KEY })).status, 404);
  assert.equal((await sup.api('DELETE', '/api/proxies/p', { key: ADMIN_KEY })).status, 404);
});

test('config shows the file as JSON and YAML plus the resolved config', async (t) => {
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [await freePort()], destPorts: [await freePort()] }) }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  const response = await sup.api('GET', '/api/proxies/p/config', { key: READ_KEY });
  assert.equal(response.status, 200);
  assert.equal(response.body.config.name, 'p');
  assert.match(response.body.yaml, /^# test proxy p/);
  assert.equal(response.body.resolved.timeouts.upstreamConnectMs, 5000);
});

test('killing a connection through the API closes it at the client within 1 s', async (t) => {
  const { sup, port, backend } = await startOneProxy(t);
  const client = await TcpClient.connect(port);
  client.write('hello');
  await client.waitForBytes(5);
  const list = (await sup.api('GET', '/api/proxies/p/connections', { key: READ_KEY })).body as any[];
  assert.equal(list.length, 1);
  assert.equal(list[0].src_ip, '127.0.0.1');
  assert.equal(list[0].src_port, client.socket.localPort);
  assert.equal(list[0].upstream_port, backend.port);
  assert.equal(list[0].bytes_in, 5);
  const killedAt = Date.now();
  const killed = await sup.api('DELETE', `/api/proxies/p/connections/${list[0].id}`, { key: ADMIN_KEY });
  assert.deepEqual(killed.body, { status: 'killed', id: list[0].id });
  await client.waitClosed(1000);
  assert.ok(Date.now() - killedAt < 1000);
  assert.equal((await sup.api('DELETE', `/api/proxies/p/connections/${list[0].id}`, { key: ADMIN_KEY })).status, 404);
  assert.equal((await sup.api('DELETE', '/api/proxies/p/connections/abc', { key: ADMIN_KEY })).status, 400);
});

test('restarting one proxy through the API leaves a live connection on another untouched', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [portA, portB] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: {
      'a.yaml': proxyYaml({ name: 'a', originPorts: [portA], destPorts: [backend.port] }),
      'b.yaml': proxyYaml({ name: 'b', originPorts: [portB], destPorts: [backend.port] }),
    },
    waitForRunning: ['a', 'b'],
  });
  t.after(() => sup.stop());
  const pidA = (await sup.proxy('a')).pid;
  const pidB = (await sup.proxy('b')).pid;
  const client = await TcpClient.connect(portB);
  client.write('1;');
  await client.waitForText('1;');
  const restarted = await sup.api('POST', '/api/proxies/a/restart', { key: ADMIN_KEY });
  assert.equal(restarted.status, 200, restarted.text);
  assert.notEqual(restarted.body.proxy.pid, pidA);
  assert.equal(restarted.body.proxy.state, 'running');
  client.write('2;');
  await client.waitForText('2;');
  assert.equal(client.closed, false);
  assert.equal((await sup.proxy('b')).pid, pidB);
  assert.equal((await tcpRoundTrip(portA, 'a!', 2)).toString(), 'a!');
  client.destroy();
});

test('POST /api/reload rescans and reports; only changed proxies are touched', async (t) => {
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': proxyYaml({ name: 'a', originPorts: [await freePort()], destPorts: [await freePort()] }) }, waitForRunning: ['a'] });
  t.after(() => sup.stop());
  const pid = (await sup.proxy('a')).pid;
  const report = await sup.api('POST', '/api/reload', { key: ADMIN_KEY });
  assert.equal(report.status, 200);
  assert.deepEqual(report.body.unchanged, ['a']);
  assert.deepEqual(report.body.restarted, []);
  assert.equal((await sup.proxy('a')).pid, pid);
});
