// A controller of a data_path: kernel proxy: its rules go in before its worker starts (a refusal
// fails the start, with the reason), no socket is bound, health facts and suspension reach the
// kernel, and a stop or a switch to userspace retires the rules with the drain timeout.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, test } from 'node:test';
import type { ProxyConfig } from '../../../shared/config/resolved-types.js';
import { RoutexError } from '../../../shared/errors/routex-error.js';
import type { CommandMessage, RequestName, RequestParams } from '../../../shared/ipc/protocol.js';
import type { KernelLink } from '../../../supervisor/kernel-path/kernel-link.js';
import { Logger } from '../../../supervisor/logging/logger.js';
import { ProxyController } from '../../../supervisor/workers/proxy-controller.js';
import type { Outcome, ProxyWorker, ProxyWorkerEvents } from '../../../supervisor/workers/proxy-worker.js';
import { freePortRange } from '../../helpers/free-ports.js';
import { parseProxy } from '../config/config-fixtures.js';

const logger = Logger.create({ level: 'error', format: 'json', output: 'stdout', filePath: '', maxSizeMb: 1, maxBackups: 1 });
const [PORT] = await freePortRange(1);

class Worker extends EventEmitter<ProxyWorkerEvents> implements ProxyWorker {
  readonly pid = 4242;
  exited = false;
  readonly requests: string[] = [];
  readonly handles: unknown[] = [];
  private readonly pending = new Map<string, (outcome: Outcome<RequestName>) => void>();
  request<N extends RequestName>(name: N, _params: RequestParams<N>, _timeoutMs: number, done: (outcome: Outcome<N>) => void): void {
    this.requests.push(name);
    this.pending.set(name, done as (outcome: Outcome<RequestName>) => void);
  }
  command(_message: CommandMessage, handle?: unknown): void {
    if (handle !== undefined) this.handles.push(handle);
  }
  answer(name: RequestName, result: unknown): void {
    this.pending.get(name)?.({ ok: true, result } as Outcome<RequestName>);
  }
  kill(): void {
    this.exited = true;
    this.emit('exit', null, 'SIGKILL');
  }
}

class RecordingLink implements KernelLink {
  readonly calls: string[] = [];
  refuse: string | null = null;
  install(config: ProxyConfig, suspended: boolean): Promise<void> {
    this.calls.push(`install ${config.name} ${config.dataPath} suspended=${suspended}`);
    return this.refuse === null ? Promise.resolve() : Promise.reject(new RoutexError('ERR_KERNEL_PATH_UNAVAILABLE', this.refuse));
  }
  retire(name: string, timeoutMs: number): Promise<number> {
    this.calls.push(`retire ${name} ${timeoutMs}`);
    return Promise.resolve(0);
  }
  healthChanged(name: string, ip: string, port: number, healthy: boolean): void {
    this.calls.push(`health ${name} ${ip}:${port} ${healthy}`);
  }
  resetHealth(name: string): void {
    this.calls.push(`reset ${name}`);
  }
  setSuspended(name: string, suspended: boolean): Promise<void> {
    this.calls.push(`suspended ${name} ${suspended}`);
    return Promise.resolve();
  }
}

const controllers: ProxyController[] = [];
after(() => controllers.forEach((c) => c.killAll()));

function setup() {
  const link = new RecordingLink();
  const workers: Worker[] = [];
  const controller = new ProxyController('/tmp/k.yaml', logger, () => {
    const worker = new Worker();
    workers.push(worker);
    return worker;
  }, undefined, undefined, link);
  controllers.push(controller);
  return { link, workers, controller };
}

function config(fields: Record<string, unknown> = {}): ProxyConfig {
  const parsed = parseProxy({ name: 'k', data_path: 'kernel', 'origin-port': PORT, connection_draining: { timeout: '3s' }, ...fields });
  assert.deepEqual(parsed.issues, []);
  return parsed.config!;
}

test('the rules go in before the worker starts; no socket is bound or handed over', async () => {
  const { link, workers, controller } = setup();
  assert.equal(await controller.apply(config()), 'started');
  assert.deepEqual(link.calls, ['install k kernel suspended=false', 'reset k']);
  assert.equal(workers.length, 1);
  assert.deepEqual(workers[0]!.handles, []);
  assert.equal(controller.sockets.size, 0);
  workers[0]!.answer('proxy.start', { listeners: [], listenErrors: [] });
  assert.equal(controller.state, 'running');
  assert.equal(controller.kernel.installed, true);
});

test('a refusal fails the start with its reason and starts no worker', async () => {
  const { link, workers, controller } = setup();
  link.refuse = 'nft failed (exit 1): Operation not permitted — data_path: kernel needs root or CAP_NET_ADMIN';
  await controller.apply(config());
  assert.equal(controller.state, 'failed');
  assert.equal(workers.length, 0);
  assert.deepEqual([controller.lastError?.code, controller.lastError?.message], ['ERR_KERNEL_PATH_UNAVAILABLE', link.refuse]);
  assert.ok(controller.nextRestartAt !== null, 'retried with backoff');
});

test('health facts and suspension reach the kernel; a stop retires the rules with the drain timeout', async () => {
  const { link, workers, controller } = setup();
  await controller.apply(config());
  workers[0]!.answer('proxy.start', { listeners: [], listenErrors: [] });
  workers[0]!.emit('fact', { type: 'health.changed', ip: '10.0.0.1', port: 35565, healthy: false, cause: 'probe' });
  controller.setSuspended('hourly quota used up');
  const stopping = controller.stop('drain');
  workers[0]!.answer('proxy.drain', { udpSessions: [] });
  await stopping;
  assert.deepEqual(link.calls.slice(2), ['health k 10.0.0.1:35565 false', 'suspended k true', 'retire k 3000']);
  assert.equal(controller.kernel.installed, false);
});

test('a renamed proxy retires the old name\'s rules before the new name installs, once', async () => {
  const { link, workers, controller } = setup();
  await controller.apply(config());
  workers[0]!.answer('proxy.start', { listeners: [], listenErrors: [] });
  const renaming = controller.apply(config({ name: 'k2' }));
  await new Promise((resolve) => setImmediate(resolve));
  workers[0]!.answer('proxy.reconfigure', {});
  assert.equal(await renaming, 'reconfigured');
  assert.deepEqual(link.calls.slice(2), ['retire k 3000', 'install k2 kernel suspended=false']);
  assert.equal(controller.kernel.installed, true);
});

test('a change applies in place, even of origin ports; a switch to userspace retires the kernel rules', async () => {
  const { link, workers, controller } = setup();
  await controller.apply(config());
  workers[0]!.answer('proxy.start', { listeners: [], listenErrors: [] });
  const reconfiguring = controller.apply(config({ 'origin-port': `${PORT},${PORT + 1}` }));
  await new Promise((resolve) => setImmediate(resolve));
  workers[0]!.answer('proxy.reconfigure', {});
  assert.equal(await reconfiguring, 'reconfigured');
  assert.equal(workers.length, 1);
  const switching = controller.apply(config({ data_path: 'userspace' }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(workers.length, 2, 'a userspace successor');
  assert.equal(controller.sockets.size, 1, 'which gets the bound socket');
  workers[1]!.answer('proxy.start', { listeners: [{ ip: '127.0.0.1', port: PORT, protocol: 'tcp' }], listenErrors: [] });
  await new Promise((resolve) => setImmediate(resolve));
  workers[0]!.answer('proxy.drain', { udpSessions: [] });
  assert.equal(await switching, 'restarted');
  assert.equal(link.calls.at(-1), 'retire k 3000');
  assert.equal(controller.kernel.installed, false);
});
