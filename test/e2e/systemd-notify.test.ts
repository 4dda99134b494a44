// Type=notify readiness: the supervisor tells systemd it is ready only once the API and every
// enabled proxy's listeners answer. A python stand-in for systemd's notify socket probes them
// the moment READY=1 arrives (see test/helpers/notify-recorder.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort, freePortRange } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { NotifySocket, notifyToolsMissing } from '../helpers/notify-socket.js';
import { waitFor } from '../helpers/wait-for.js';

const missing = notifyToolsMissing();

test('READY=1 arrives only when the API and every proxy listener accept connections', { skip: missing }, async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const apiPort = await freePort();
  // Three proxies, 24 TCP listeners in all: workers bind well after the API is up.
  const portsA = await freePortRange(8);
  const portsB = await freePortRange(8);
  const portsC = await freePortRange(8);
  const listeners = [...portsA, ...portsB, ...portsC].map((port) => `127.0.0.1:${port}`);
  const notify = await NotifySocket.open([`http://127.0.0.1:${apiPort}/api/health`, ...listeners]);
  t.after(() => notify.close());

  const sup = await SupervisorProcess.start({
    apiPort,
    env: { NOTIFY_SOCKET: notify.path },
    proxies: {
      'a.yaml': proxyYaml({ name: 'a', originPorts: portsA, destPorts: [backend.port] }),
      'b.yaml': proxyYaml({ name: 'b', originPorts: portsB, destPorts: [backend.port] }),
      'c.yaml': proxyYaml({ name: 'c', originPorts: portsC, destPorts: [backend.port] }),
    },
  });
  t.after(() => sup.stop());

  const ready = await notify.waitForMessage('READY=1');
  const failed = Object.entries(ready.probes ?? {}).filter(([, ok]) => ok !== true);
  assert.deepEqual(failed, [], 'targets not answering when READY=1 arrived');
  assert.equal(Object.keys(ready.probes ?? {}).length, 1 + listeners.length);
  const lines = ready.message.split('\n');
  assert.ok(lines.includes(`MAINPID=${sup.pid}`), ready.message);
  assert.ok(lines.includes('STATUS=3 proxies running'), ready.message);
  assert.equal(notify.records.filter((r) => r.message.includes('READY=1')).length, 1);
});

test('STOPPING=1 is sent when a stop signal starts the drain', { skip: missing }, async (t) => {
  const notify = await NotifySocket.open();
  t.after(() => notify.close());
  const sup = await SupervisorProcess.start({ env: { NOTIFY_SOCKET: notify.path } });
  t.after(() => sup.stop());
  await notify.waitForMessage('READY=1');
  sup.signal('SIGTERM');
  const stopping = await notify.waitForMessage('STOPPING=1');
  assert.ok(stopping.message.includes('STATUS=draining connections'));
  assert.equal(await sup.waitForExit(), 0);
});

test('without systemd-notify on PATH the supervisor warns once and keeps serving', async (t) => {
  const sup = await SupervisorProcess.start({ env: { NOTIFY_SOCKET: '/nonexistent/notify.sock', PATH: '/nonexistent' } });
  t.after(() => sup.stop());
  const warning = await waitForLog(sup, 'cannot notify the service manager');
  assert.equal(warning['level'], 'warn');
  assert.match(String(warning['error']), /systemd-notify not found/);
  assert.equal((await sup.api('GET', '/api/health')).status, 200);
});

test('a notify socket nobody listens on is a warning, not a failure', { skip: missing }, async (t) => {
  const sup = await SupervisorProcess.start({ env: { NOTIFY_SOCKET: '/nonexistent/notify.sock' } });
  t.after(() => sup.stop());
  const warning = await waitForLog(sup, 'cannot notify the service manager');
  assert.equal(warning['level'], 'warn');
  assert.equal((await sup.api('GET', '/api/health')).status, 200);
});

function waitForLog(sup: SupervisorProcess, message: string): Promise<Record<string, unknown>> {
  return waitFor(`log line "${message}"`, () => sup.logs.find((l) => l['message'] === message), { timeoutMs: 10_000 });
}
