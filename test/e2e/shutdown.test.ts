import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { childPids, isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

test('SIGTERM: an open connection may finish within the drain timeout, then exit 0 with no worker left', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: 'connection_draining:\n  enabled: true\n  timeout: 10s\n' }),
      'q.yaml': proxyYaml({ name: 'q', originPorts: [await freePort()], destPorts: [backend.port] }),
    },
    waitForRunning: ['p', 'q'],
  });
  t.after(() => sup.stop('SIGKILL'));
  const workers = childPids(sup.pid);
  assert.equal(workers.length, 2);
  const client = await TcpClient.connect(port);
  client.write('one;');
  await client.waitForText('one;');

  sup.signal('SIGTERM');
  await waitFor('the listener to close', async () => {
    try {
      (await TcpClient.connect(port)).destroy();
      return false;
    } catch {
      return true;
    }
  });
  client.write('two;');
  await client.waitForText('two;');
  assert.equal(sup.exitCode, null, 'supervisor waits for the draining connection');
  client.end();
  const code = await sup.waitForExit(5000);
  assert.equal(code, 0);
  for (const pid of workers) assert.equal(isAlive(pid), false, `worker ${pid} outlived the supervisor`);
});

test('SIGTERM: a connection still open at the drain timeout is closed, and the exit is still clean', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: 'connection_draining:\n  enabled: true\n  timeout: 1s\n' }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop('SIGKILL'));
  const workers = childPids(sup.pid);
  const client = await TcpClient.connect(port);
  client.write('x');
  await client.waitForBytes(1);
  const signalledAt = Date.now();
  sup.signal('SIGTERM');
  await client.waitClosed(5000);
  const closedAfter = Date.now() - signalledAt;
  assert.ok(closedAfter >= 900 && closedAfter < 4000, `closed ${closedAfter} ms after SIGTERM, drain timeout is 1 s`);
  assert.equal(await sup.waitForExit(5000), 0);
  assert.ok(sup.logs.some((l) => l.message === 'drain timeout reached, connections closed' && l.connections === 1));
  for (const pid of workers) assert.equal(isAlive(pid), false);
});
