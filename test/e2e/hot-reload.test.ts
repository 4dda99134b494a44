import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { tcpOutcome, tcpRefused } from '../helpers/client-probes.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOneProxy } from '../helpers/one-proxy.js';

async function greeting(port: number): Promise<string> {
  const client = await TcpClient.connect(port);
  try {
    await client.waitForText('\n');
    return client.received.toString().trim();
  } finally {
    client.destroy();
  }
}

test('an invalid edit keeps the old proxy forwarding and shows the error in the API', async (t) => {
  const { sup, port, backend } = await startOneProxy(t, '', { greeting: 'one\n' });
  const pid = (await sup.proxy('p')).pid;
  sup.writeProxy('p.yaml', proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], protocol: 'tcp', extra: 'load_balancing:\n  algorithm: "fastest"\n' }));
  const proxy = await sup.waitForProxy('p', 'a config error', (p) => p.config_errors.length > 0);
  assert.equal(proxy.state, 'running');
  assert.equal(proxy.pid, pid);
  assert.match(proxy.config_errors[0].path, /load_balancing\.algorithm/);
  assert.match(proxy.config_errors[0].message, /round-robin/);
  assert.equal(await greeting(port), 'one');
  const logged = sup.logs.find((l) => l.message === 'config rejected');
  assert.ok(logged, 'the rejection is logged');
  assert.match(String(logged.problem), /p\.yaml: load_balancing\.algorithm/);
});

test('a dest change is applied in place: an open connection survives, new ones go to the new dest', async (t) => {
  const one = await startTcpBackend({ greeting: 'one\n' });
  const two = await startTcpBackend({ greeting: 'two\n' });
  t.after(() => Promise.all([one.close(), two.close()]));
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [one.port] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const pid = (await sup.proxy('p')).pid;
  const open = await TcpClient.connect(port);
  await open.waitForText('one\n');
  sup.writeProxy('p.yaml', proxyYaml({ name: 'p', originPorts: [port], destPorts: [two.port] }));
  await waitFor('new connections to reach the new dest', async () => (await greeting(port)) === 'two');
  assert.equal((await sup.proxy('p')).pid, pid, 'worker was not restarted');
  open.write('still here');
  await open.waitForText('still here');
  assert.equal(open.closed, false);
  open.destroy();
});

test('an origin-port change moves the listener', async (t) => {
  const backend = await startTcpBackend({ greeting: 'hi\n' });
  t.after(() => backend.close());
  const [oldPort, newPort] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [oldPort], destPorts: [backend.port] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const oldPid = (await sup.proxy('p')).pid;
  sup.writeProxy('p.yaml', proxyYaml({ name: 'p', originPorts: [newPort], destPorts: [backend.port] }));
  const moved = await sup.waitForProxy('p', 'running on the new port', (p) => p.state === 'running' && p.listeners.some((l: any) => l.port === newPort));
  assert.notEqual(moved.pid, oldPid);
  assert.equal(await greeting(newPort), 'hi');
  // The supervisor closes the old port once the old worker has stopped serving it (just after
  // the new one runs), so the refusal comes a moment later.
  await waitFor('the old port to refuse', () => tcpRefused(oldPort));
});

test('deleting the file stops the proxy; adding a file later starts one', async (t) => {
  const backend = await startTcpBackend({ greeting: 'hi\n' });
  t.after(() => backend.close());
  const [portA, portB] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: { 'a.yaml': proxyYaml({ name: 'a', originPorts: [portA], destPorts: [backend.port] }) },
    waitForRunning: ['a'],
  });
  t.after(() => sup.stop());
  sup.writeProxy('b.yaml', proxyYaml({ name: 'b', originPorts: [portB], destPorts: [backend.port] }));
  await sup.waitForState('b', 'running');
  assert.equal(await greeting(portB), 'hi');

  const pidA = (await sup.proxy('a')).pid;
  sup.removeProxy('a.yaml');
  await waitFor('proxy a to disappear', async () => (await sup.proxy('a')) === undefined);
  await waitFor('port of a to be closed', () => tcpRefused(portA));
  await waitFor('worker of a to exit', () => {
    try {
      process.kill(pidA, 0);
      return false;
    } catch {
      return true;
    }
  });
  assert.equal(await greeting(portB), 'hi');
});

test('a no-op save does nothing: same worker, no reload logged', async (t) => {
  const backend = await startTcpBackend({ greeting: 'hi\n' });
  t.after(() => backend.close());
  const port = await freePort();
  const yaml = proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port] });
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': yaml }, waitForRunning: ['p'] });
  t.after(() => sup.stop());
  const pid = (await sup.proxy('p')).pid;
  sup.writeProxy('other.txt', 'not a proxy');
  sup.writeProxy('p.yaml', yaml + '\n# only a comment changed\n');
  const marker = proxyYaml({ name: 'q', originPorts: [await freePort()], destPorts: [backend.port] });
  sup.writeProxy('q.yaml', marker);
  await sup.waitForState('q', 'running');
  assert.equal((await sup.proxy('p')).pid, pid);
  const reloads = sup.logs.filter((l) => l.message === 'config reloaded');
  assert.ok(reloads.every((r) => !(r.reconfigured as string[]).includes('p') && !(r.restarted as string[]).includes('p')));
});

test('SIGHUP re-reads global.yaml: a changed default reaches running proxies in place', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    globalExtra: 'defaults:\n  client_read_timeout: 30s\n  upstream_read_timeout: 30s\n',
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const pid = (await sup.proxy('p')).pid;
  const { readFileSync, writeFileSync } = await import('node:fs');
  writeFileSync(sup.globalFile, readFileSync(sup.globalFile, 'utf8').replace(/30s/g, '1s'));
  sup.signal('SIGHUP');
  await waitFor('the reload', () => sup.logs.find((l) => l.message === 'config reloaded' && (l.reconfigured as string[]).includes('p')));
  const client = await TcpClient.connect(port);
  client.write('x');
  await client.waitForBytes(1);
  await client.waitClosed(3000);
  assert.equal((await sup.proxy('p')).pid, pid, 'applied without restarting the worker');
});

test('a proxy kept on its last good config still follows a new global ACL', async (t) => {
  const { sup, port, backend } = await startOneProxy(t, '', { greeting: 'hi\n' });
  sup.writeProxy('p.yaml', proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: 'load_balancing:\n  algorithm: "fastest"\n' }));
  await sup.waitForProxy('p', 'the config error', (p) => p.config_errors.length > 0);
  const patched = await sup.api('PATCH', '/api/acl/global', { key: ADMIN_KEY, body: { enabled: true } });
  assert.equal(patched.status, 200, patched.text);
  const added = await sup.api('POST', '/api/acl/global/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.2' } });
  assert.equal(added.status, 200, added.text);
  assert.deepEqual(added.body.workers.updated, ['p']);
  assert.deepEqual(added.body.workers.stale, []);
  assert.equal(await tcpOutcome(port, '127.0.0.2', 'hi\n'), 'refused');
  assert.equal(await tcpOutcome(port, '127.0.0.1', 'hi\n'), 'served');
  assert.equal((await sup.proxy('p')).config_errors.length, 1, 'the broken file is still reported');
});
