import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { ProxyController } from '../../../supervisor/workers/proxy-controller.js';
import type { Outcome, ProxyWorker, ProxyWorkerEvents } from '../../../supervisor/workers/proxy-worker.js';
import { Logger } from '../../../supervisor/logging/logger.js';
import type { ProxyConfig } from '../../../shared/config/resolved-types.js';
import type { CommandMessage, RequestName, RequestParams, RequestResult } from '../../../shared/ipc/protocol.js';
import { RoutexError, type ErrorPayload } from '../../../shared/errors/routex-error.js';
import { parseProxy } from '../config/config-fixtures.js';
import { freePortRange } from '../../helpers/free-ports.js';
import { tcpRefused } from '../../helpers/client-probes.js';

type Sent = { type: string } & Record<string, unknown>;

/** Stands in for a forked worker: records what it is sent, and the test plays its answers. */
class FakeWorker extends EventEmitter<ProxyWorkerEvents> implements ProxyWorker {
  static nextPid = 1000;
  readonly pid = FakeWorker.nextPid++;
  /** Requests (as `{type, ...params}`, the id left out) and commands, in order. */
  readonly sent: Sent[] = [];
  /** Listeners it was handed a socket for. */
  readonly handed: string[] = [];
  exited = false;
  private readonly pending = new Map<RequestName, (outcome: Outcome<RequestName>) => void>();

  request<N extends RequestName>(name: N, params: RequestParams<N>, _timeoutMs: number, done: (outcome: Outcome<N>) => void): void {
    this.sent.push({ type: name, ...params });
    this.pending.set(name, done as (outcome: Outcome<RequestName>) => void);
  }

  command(message: CommandMessage, handle?: unknown): void {
    if (message.type === 'listener.handed') {
      assert.ok(handle !== undefined, 'a listener.handed message carries its socket');
      this.handed.push(`${message.listener.protocol} ${message.listener.port}`);
      return;
    }
    this.sent.push(message);
  }

  answer<N extends RequestName>(name: N, result: RequestResult<N>): void {
    this.settle(name, { ok: true, result });
  }

  fail(name: RequestName, error: ErrorPayload): void {
    this.settle(name, { ok: false, error: new RoutexError(error.code, error.message) });
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exited = true;
    for (const name of [...this.pending.keys()]) this.settle(name, { ok: false, error: new RoutexError('ERR_IPC_NO_WORKER') });
    this.emit('exit', code, signal);
  }

  kill(): void {
    if (!this.exited) this.exit(null, 'SIGKILL');
  }

  private settle(name: RequestName, outcome: Outcome<RequestName>): void {
    const done = this.pending.get(name);
    this.pending.delete(name);
    done?.(outcome);
  }
}

async function listenOn(port: number): Promise<{ close(): Promise<void> }> {
  const server = net.createServer().listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const logger = Logger.create({ level: 'error', format: 'json', output: 'stdout', filePath: '', maxSizeMb: 1, maxBackups: 1 });

/** Real ports: the controller binds them (tests pass them in `origin-port`). */
const [PORT, OTHER_PORT] = await freePortRange(2);

function config(fields: Record<string, unknown> = {}): ProxyConfig {
  const parsed = parseProxy({ name: 'mc', 'origin-port': PORT, ...fields });
  assert.deepEqual(parsed.issues, []);
  return parsed.config!;
}

const controllers: ProxyController[] = [];
after(() => {
  for (const controller of controllers) controller.killAll();
});

function setup() {
  const workers: FakeWorker[] = [];
  const controller = new ProxyController('/tmp/mc.yaml', logger, () => {
    const worker = new FakeWorker();
    workers.push(worker);
    return worker;
  });
  controllers.push(controller);
  const ready = (w: FakeWorker, port = PORT) => w.answer('proxy.start', { listeners: [{ ip: '127.0.0.1', port, protocol: 'tcp' }], listenErrors: [] });
  return { controller, workers, ready };
}

test('a started worker gets the resolved config, and the proxy runs once it reports ready', async () => {
  const { controller, workers, ready } = setup();
  assert.equal(await controller.apply(config()), 'started');
  assert.equal(controller.state, 'starting');
  assert.equal(workers[0]!.sent[0]!.type, 'proxy.start');
  ready(workers[0]!);
  assert.equal(controller.state, 'running');
  assert.equal(controller.runningWorker, workers[0]);
});

test('a change with the same listeners is applied in place; the same config again changes nothing', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config());
  ready(workers[0]!);
  const applying = controller.apply(config({ timeouts: { client_read: '10s' } }));
  assert.equal(workers[0]!.sent.at(-1)!.type, 'proxy.reconfigure');
  workers[0]!.answer('proxy.reconfigure', {});
  assert.equal(await applying, 'reconfigured');
  assert.equal(workers.length, 1);
  assert.equal(await controller.apply(config({ timeouts: { client_read: '10s' } })), 'unchanged');
});

test('a listener change starts the successor on the held sockets first, then drains the old worker', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config({ connection_draining: { timeout: '7s' } }));
  assert.deepEqual(workers[0]!.handed, [`tcp ${PORT}`]);
  ready(workers[0]!);
  const applying = controller.apply(config({ 'origin-port': `${PORT},${OTHER_PORT}`, connection_draining: { timeout: '7s' } }));
  assert.equal(workers.length, 2, 'the successor starts while the old worker still serves');
  assert.deepEqual(workers[1]!.handed, [`tcp ${PORT}`, `tcp ${OTHER_PORT}`]);
  assert.equal(workers[1]!.sent[0]!.type, 'proxy.start');
  assert.equal(workers[0]!.sent.at(-1)!.type, 'proxy.start', 'no drain before the successor is ready');
  ready(workers[1]!);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(workers[0]!.sent.at(-1), { type: 'proxy.drain', timeoutMs: 7000, handover: true });
  workers[0]!.answer('proxy.drain', { udpSessions: [] });
  assert.equal(await applying, 'restarted');
  assert.deepEqual(workers[1]!.sent.at(-1), { type: 'udp.sessions-handed-over', sessions: [] });
  workers[0]!.exit(0);
  assert.equal(controller.state, 'running', 'the drained predecessor exiting is not a crash');
  assert.equal(controller.restarts, 0);
  const stopping = controller.stop('now');
  workers[1]!.answer('proxy.drain', { udpSessions: [] });
  await stopping;
  assert.equal(controller.sockets.size, 0, 'stop closes the held sockets');
  workers[1]!.exit(0);
  await controller.allExited();
});

test('a port the new config drops is closed once the old worker stopped serving; a kept one never is', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config({ 'origin-port': `${PORT},${OTHER_PORT}` }));
  ready(workers[0]!);
  const applying = controller.apply(config());
  ready(workers[1]!);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(controller.sockets.size, 2, 'both ports held while the old worker may still serve them');
  workers[0]!.answer('proxy.drain', { udpSessions: [] });
  await applying;
  assert.equal(controller.sockets.size, 1);
  assert.deepEqual(controller.sockets.socketsFor(config().listeners).map((s) => s.socket.port), [PORT]);
  const stopping = controller.stop('now');
  workers[1]!.answer('proxy.drain', { udpSessions: [] });
  await stopping;
  workers[0]!.exit(0);
  workers[1]!.exit(0);
});

test('a port taken by another process is reported; the other ports are handed to the worker', async (t) => {
  const other = await listenOn(OTHER_PORT);
  t.after(() => other.close());
  const { controller, workers, ready } = setup();
  await controller.apply(config({ 'origin-port': `${PORT},${OTHER_PORT}` }));
  assert.deepEqual(workers[0]!.handed, [`tcp ${PORT}`]);
  assert.equal(controller.sockets.bindFailures.length, 1);
  assert.equal(controller.sockets.bindFailures[0]!.error.message, `cannot listen on 127.0.0.1:${OTHER_PORT}: EADDRINUSE`);
  assert.match(controller.lastError!.message, /EADDRINUSE/);
  ready(workers[0]!);
  assert.equal(controller.state, 'running');
  const stopping = controller.stop('now');
  workers[0]!.answer('proxy.drain', { udpSessions: [] });
  await stopping;
  workers[0]!.exit(0);
});

test('a proxy none of whose ports can be bound fails without a worker and retries with backoff', async () => {
  const other = await listenOn(PORT);
  const { controller, workers } = setup();
  await controller.apply(config());
  assert.equal(workers.length, 0);
  assert.equal(controller.state, 'failed');
  assert.ok(controller.nextRestartAt !== null);
  await other.close();
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(workers.length, 1, 'bound and started once the port was free');
  assert.deepEqual(workers[0]!.handed, [`tcp ${PORT}`]);
  const stopping = controller.stop('now');
  workers[0]!.exit(0);
  await stopping;
});

test('while the worker is down its ports stay open and queue connections', async () => {
  const { controller, workers, ready } = setup();
  await controller.apply(config());
  ready(workers[0]!);
  workers[0]!.exit(null, 'SIGKILL');
  assert.equal(controller.state, 'backoff');
  assert.ok(controller.sockets.isHeld({ ip: '127.0.0.1', port: PORT, protocol: 'tcp' }));
  const stopping = controller.stop('now');
  await stopping;
  assert.equal(controller.sockets.size, 0);
  assert.equal(await tcpRefused(PORT), true);
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
  workers[1]!.fail('proxy.start', { code: 'ERR_LISTEN_FAILED', message: `cannot listen on 127.0.0.1:${PORT}: EADDRINUSE` });
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
  assert.deepEqual(workers[0]!.sent.at(-1), { type: 'proxy.drain', timeoutMs: 30_000, handover: false });
  workers[0]!.answer('proxy.drain', { udpSessions: [] });
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
  const start = workers[1]!.sent[0]!;
  assert.equal(start.suspendedReason, 'daily limit reached');
  const stopping = controller.stop('now');
  workers[1]!.exit(0);
  await stopping;
});
