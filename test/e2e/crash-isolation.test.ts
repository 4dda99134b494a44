import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient, tcpRoundTrip } from '../helpers/tcp-client.js';
import { isAlive } from '../helpers/processes.js';

test('kill -9 of one worker: it runs again within 2 s while another proxy’s connection keeps working', async (t) => {
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
  const before = await sup.proxy('a');
  const pidB = (await sup.proxy('b')).pid;
  const client = await TcpClient.connect(portB);
  client.write('before;');
  await client.waitForText('before;');

  process.kill(before.pid, 'SIGKILL');
  const killedAt = Date.now();
  let exchanges = 0;
  let restarted: any;
  while (Date.now() - killedAt < 5000) {
    client.write(`during-${exchanges};`);
    await client.waitForText(`during-${exchanges};`, 1000);
    exchanges++;
    const a = await sup.proxy('a');
    if (a.state === 'running' && a.pid !== before.pid) {
      restarted = a;
      break;
    }
  }
  const restartMs = Date.now() - killedAt;
  assert.ok(restarted, 'proxy a never came back');
  assert.ok(restartMs <= 2000, `proxy a took ${restartMs} ms to run again`);
  assert.equal(restarted.restarts, 1);
  assert.equal(restarted.last_error.message.includes('SIGKILL'), true);
  assert.ok(!isAlive(before.pid));
  assert.ok(exchanges > 0);
  assert.equal((await sup.proxy('b')).pid, pidB, 'proxy b was not restarted');
  client.write('after;');
  await client.waitForText('after;');
  assert.equal(client.closed, false);
  const reply = await tcpRoundTrip(portA, 'a works again', 13);
  assert.equal(reply.toString(), 'a works again');
});
