import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ProxyController } from '../../../supervisor/workers/proxy-controller.js';
import type { WorkerProcess } from '../../../supervisor/workers/worker-process.js';
import { Logger } from '../../../supervisor/logging/logger.js';
import type { ProxyConfig } from '../../../shared/config/resolved-types.js';
import type { SupervisorMessage, WorkerMessage } from '../../../shared/ipc/protocol.js';
import { parseProxy } from '../config/config-fixtures.js';

/** Stands in for a forked worker: records what it is sent, and the test plays its answers. */
class FakeWorker extends EventEmitter {
  static nextPid = 1000;
  readonly pid = FakeWorker.nextPid++;
  readonly sent: SupervisorMessage[] = [];
  exited = false;

  send(message: SupervisorMessage): void {
    this.sent.push(message);
  }

  reply(message: WorkerMessage): void {
    this.emit('message', message);
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exited = true;
    this.emit('exit', code, signal);
  }

  kill(): void {
    if (!this.exited) this.exit(null, 'SIGKILL');
  }
}

const logger = Logger.create({ level: 'error', format: 'json', output: 'stdout', filePath: '', maxSizeMb: 1, maxBackups: 1 });

function config(fields: Record<string, unknown> = {}): ProxyConfig {
  const parsed = parseProxy({ name: 'mc', ...fields });
  assert.deepEqual(parsed.issues, []);
  return parsed.config!;
}

function setup() {
  const workers: FakeWorker[] = [];
  const controller = new ProxyController('/tmp/mc.yaml', logger, () => {
    const worker = new FakeWorker();
    workers.push(worker);
    return worker as unknown as WorkerProcess;
  });
  const ready = (w: FakeWorker) => w.reply({ type: 'worker.ready', listeners: [{ ip: '127.0.0.1', port: 25565, protocol: 'tcp' }] });
  return { controller, workers, ready };
}

test('a started worker gets the resolved config, and the proxy runs once it reports ready', async () => {
  const { controller, workers, ready } = setup();
  assert.equal(await controller.apply(config()), 'started');
  assert.equal(controller.state, 'starting');
  assert.equal(workers[0]!.sent[0]!.type, 'proxy.start');
  ready(workers[0]!);
  assert.equal(controller.state, 'running');
  assert.equal(controller.runningWorker, workers[0] as unknown as WorkerProcess);
});

test('a change with the same listeners is applied in place; the same config again changes nothing', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config());
  ready(workers[0]!);
  const applying = controller.apply(config({ timeouts: { client_read: '10s' } }));
  assert.equal(workers[0]!.sent.at(-1)!.type, 'proxy.reconfigure');
  workers[0]!.reply({ type: 'worker.reconfigured' });
  assert.equal(await applying, 'reconfigured');
  assert.equal(workers.length, 1);
  assert.equal(await controller.apply(config({ timeouts: { client_read: '10s' } })), 'unchanged');
});

test('a listener change drains the old worker and starts the new one once the ports are free', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config({ connection_draining: { timeout: '7s' } }));
  ready(workers[0]!);
  const applying = controller.apply(config({ 'origin-port': 25570, connection_draining: { timeout: '7s' } }));
  const drain = workers[0]!.sent.at(-1)!;
  assert.deepEqual(drain, { type: 'proxy.drain', timeoutMs: 7000 });
  assert.equal(workers.length, 1, 'no successor before the ports are released');
  workers[0]!.reply({ type: 'worker.listeners-closed' });
  assert.equal(await applying, 'restarted');
  assert.equal(workers.length, 2);
  assert.equal(workers[1]!.sent[0]!.type, 'proxy.start');
  ready(workers[1]!);
  workers[0]!.exit(0);
  assert.equal(controller.state, 'running', 'the drained predecessor exiting is not a crash');
  assert.equal(controller.restarts, 0);
  const stopping = controller.stop('now');
  workers[1]!.reply({ type: 'worker.listeners-closed' });
  await stopping;
  workers[1]!.exit(0);
  await controller.allExited();
});

test('a crash is restarted after the backoff; a failed start is retried too', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config());
  ready(workers[0]!);
  workers[0]!.exit(null, 'SIGKILL');
  assert.equal(controller.state, 'backoff');
  assert.match(controller.lastError!.message, /SIGKILL/);
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(workers.length, 2, 'restarted after 0.5 s');
  assert.equal(controller.restarts, 1);
  workers[1]!.reply({ type: 'worker.failed', error: { code: 'ERR_LISTEN_FAILED', message: 'cannot listen on 127.0.0.1:25565: EADDRINUSE' } });
  assert.equal(controller.state, 'failed');
  workers[1]!.exit(1);
  assert.equal(controller.state, 'failed', 'a failed start stays failed while it waits to retry');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(workers.length, 3, 'retried after 1 s');
  const stopping = controller.stop('now');
  workers[2]!.exit(0);
  await stopping;
  await controller.allExited();
});

test('stop drains, resolves once the ports are free, and never restarts the worker', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config());
  ready(workers[0]!);
  const stopping = controller.stop('drain');
  assert.equal(controller.state, 'stopping');
  assert.deepEqual(workers[0]!.sent.at(-1), { type: 'proxy.drain', timeoutMs: 30_000 });
  workers[0]!.reply({ type: 'worker.listeners-closed' });
  await stopping;
  workers[0]!.exit(0);
  await controller.allExited();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(controller.state, 'stopped');
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(workers.length, 1);
});

test('a suspension reaches the running worker, and a restarted worker starts suspended', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config());
  ready(workers[0]!);
  controller.setSuspended('daily limit reached');
  assert.deepEqual(workers[0]!.sent.at(-1), { type: 'proxy.suspend', reason: 'daily limit reached' });
  workers[0]!.exit(null, 'SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 600));
  const start = workers[1]!.sent[0] as Extract<SupervisorMessage, { type: 'proxy.start' }>;
  assert.equal(start.suspendedReason, 'daily limit reached');
  const stopping = controller.stop('now');
  workers[1]!.exit(0);
  await stopping;
});
