import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { startStalledBackend } from '../helpers/stalled-backend.js';

const LOGGED = 'logging:\n  log_connections: true\n';

async function closeReason(sup: SupervisorProcess): Promise<string> {
  const record = await waitFor('the connection closed record', () => sup.logs.find((l) => l.message === 'connection closed'), { timeoutMs: 6000 });
  return String(record.reason);
}

test('upstream_connect: a dial that hangs is abandoned after the timeout and the client is closed', async (t) => {
  const stalled = await startStalledBackend();
  t.after(() => stalled.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [stalled.port], extra: `timeouts:\n  upstream_connect: 1s\n${LOGGED}load_balancing:\n  health_check:\n    interval: 1h\n    timeout: 1s\n` }),
    },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const startedAt = Date.now();
  const client = await TcpClient.connect(port);
  await client.waitClosed(4000);
  const elapsed = Date.now() - startedAt;
  assert.ok(elapsed >= 900 && elapsed < 3000, `closed after ${elapsed} ms`);
  assert.equal(await closeReason(sup), 'upstream connect timeout');
});

test('upstream_read: a backend that stays silent is cut off while the client keeps talking', async (t) => {
  const server = net.createServer((socket) => {
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [(server.address() as net.AddressInfo).port], extra: `timeouts:\n  upstream_read: 1s\n  client_read: 0\n${LOGGED}` }),
    },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const client = await TcpClient.connect(port);
  const chatter = setInterval(() => client.write('tick'), 150);
  t.after(() => clearInterval(chatter));
  const startedAt = Date.now();
  await client.waitClosed(4000);
  assert.ok(Date.now() - startedAt >= 900);
  assert.equal(await closeReason(sup), 'upstream read timeout');
});

test('upstream_write: a backend that stops reading is cut off, and the client is paused meanwhile', async (t) => {
  const server = net.createServer((socket) => {
    socket.pause();
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [(server.address() as net.AddressInfo).port], extra: `timeouts:\n  upstream_write: 1s\n  client_read: 0\n  upstream_read: 0\n${LOGGED}` }),
    },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('connect', resolve));
  let written = 0;
  const chunk = Buffer.alloc(64 * 1024, 'u');
  const pump = (): void => {
    while (written < 200 * 1024 * 1024) {
      written += chunk.length;
      if (!client.write(chunk)) return void client.once('drain', pump);
    }
  };
  pump();
  assert.equal(await closeReason(sup), 'upstream write timeout');
  assert.ok(written < 50 * 1024 * 1024, `client pushed ${written} bytes: backpressure did not reach it`);
  client.destroy();
});
