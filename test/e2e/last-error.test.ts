import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { startOneProxy } from '../helpers/one-proxy.js';

test('a port held by another process: the proxy fails with ERR_LISTEN_ADDRESS_IN_USE in last_error, naming the address', async (t) => {
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  t.after(() => squatter.close());
  const port = (squatter.address() as net.AddressInfo).port;
  const sup = await SupervisorProcess.start({ proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [await freePort()] }) } });
  t.after(() => sup.stop());
  const proxy = await sup.waitForState('p', 'failed');
  assert.equal(proxy.last_error.code, 'ERR_LISTEN_ADDRESS_IN_USE');
  assert.match(proxy.last_error.message, new RegExp(`127\\.0\\.0\\.1:${port}: EADDRINUSE`));
  assert.ok(!Number.isNaN(Date.parse(proxy.last_error.at)));
});

test('a worker killed from outside: last_error says ERR_WORKER_CRASHED with the signal', async (t) => {
  const { sup } = await startOneProxy(t);
  const before = await sup.proxy('p');
  assert.equal(before.last_error, null);
  process.kill(before.pid, 'SIGKILL');
  const after = await sup.waitForProxy('p', 'the crash recorded', (p) => p.last_error !== null);
  assert.equal(after.last_error.code, 'ERR_WORKER_CRASHED');
  assert.match(after.last_error.message, /SIGKILL/);
});
