// The supervisor holds every listening socket: a worker crash, a restart or a listener-changing
// reload queues new TCP connections instead of refusing them. Real supervisor, real sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { missingTool } from '../helpers/system-tools.js';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort, freePortRange } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient, tcpRoundTrip } from '../helpers/tcp-client.js';
import { tcpRefused } from '../helpers/client-probes.js';
import { ConnectLoop, type ConnectLoopResult } from '../helpers/connect-loop.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { javaHandshake } from '../helpers/game-packets.js';

const DRAIN = 'connection_draining:\n  enabled: true\n  timeout: 10s\n';

function figures(result: ConnectLoopResult): string {
  return `opened ${result.opened}, served ${result.served}, refused ${result.refused}, failed ${result.failed}, longest ${result.longestMs} ms${result.errors.length ? `; ${result.errors.join(', ')}` : ''}`;
}

/** Lets the loop run until it has served `count` more connections. */
async function servedMore(loop: ConnectLoop, count: number): Promise<void> {
  const target = loop.result.served + count;
  await waitFor(`${count} more connections served`, () => loop.result.served >= target, { timeoutMs: 10_000 });
}

test('kill -9 three times under 100 connections/s: 0 refused, 0 failed, no connect longer than the restart + 1 s; another proxy sees nothing', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [port, otherPort] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: {
      'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port] }),
      'q.yaml': proxyYaml({ name: 'q', originPorts: [otherPort], destPorts: [backend.port] }),
    },
    waitForRunning: ['p', 'q'],
  });
  t.after(() => sup.stop());
  const otherPid = (await sup.proxy('q')).pid;
  const other = await TcpClient.connect(otherPort);
  t.after(() => other.destroy());
  other.write('before;');
  await other.waitForText('before;');

  const loop = new ConnectLoop(port, 100, 30_000);
  t.after(() => loop.stop());
  await servedMore(loop, 20);
  const restartsMs: number[] = [];
  for (let kill = 0; kill < 3; kill++) {
    const before = await sup.proxy('p');
    // Killed between two of the loop's connections: none of them lives in the dying worker.
    await loop.idle();
    process.kill(before.pid, 'SIGKILL');
    const killedAt = Date.now();
    await sup.waitForProxy('p', 'running again', (p) => p.state === 'running' && p.pid !== before.pid, 15_000);
    restartsMs.push(Date.now() - killedAt);
    other.write(`during-${kill};`);
    await other.waitForText(`during-${kill};`);
    await servedMore(loop, 20);
  }
  const result = await loop.stop();
  t.diagnostic(`loop: ${figures(result)}; restarts (kill → running) ${restartsMs.join(', ')} ms`);
  assert.equal(result.refused, 0, figures(result));
  assert.equal(result.failed, 0, figures(result));
  assert.equal(result.served, result.opened);
  assert.ok(result.longestMs < Math.max(...restartsMs) + 1000, `longest connect ${result.longestMs} ms, restarts ${restartsMs.join(', ')} ms`);
  assert.equal((await sup.proxy('p')).restarts, 3);
  assert.equal((await sup.proxy('q')).pid, otherPid, 'proxy q was not restarted');
  other.write('after;');
  await other.waitForText('after;');
  assert.equal(other.closed, false);
});

test('a reload that adds a port, then POST /restart, under 100 connections/s: 0 refused, 0 failed, and an older connection finishes normally', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [port, addedPort] = await freePortRange(2);
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port!], destPorts: [backend.port], extra: DRAIN }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const first = await sup.proxy('p');
  const older = await TcpClient.connect(port!);
  t.after(() => older.destroy());
  older.write('before;');
  await older.waitForText('before;');

  const loop = new ConnectLoop(port!, 100, 30_000);
  t.after(() => loop.stop());
  await servedMore(loop, 20);
  sup.writeProxy('p.yaml', proxyYaml({ name: 'p', originPorts: [port!, addedPort!], destPorts: [backend.port], extra: DRAIN }));
  const reloaded = await sup.waitForProxy('p', 'running on both ports', (p) => p.state === 'running' && p.pid !== first.pid && p.listeners.every((l: any) => l.state === 'serving'));
  assert.deepEqual(reloaded.listeners.map((l: any) => l.port), [port, addedPort]);
  assert.equal((await tcpRoundTrip(addedPort!, 'added;', 6)).toString(), 'added;');
  older.write('after-reload;');
  await older.waitForText('after-reload;');
  await servedMore(loop, 20);

  const restart = await sup.api('POST', '/api/proxies/p/restart', { key: ADMIN_KEY });
  assert.equal(restart.status, 200, restart.text);
  await sup.waitForProxy('p', 'running in a third worker', (p) => p.state === 'running' && p.pid !== reloaded.pid);
  await servedMore(loop, 20);
  const result = await loop.stop();
  t.diagnostic(`loop: ${figures(result)}`);
  assert.equal(result.refused, 0, figures(result));
  assert.equal(result.failed, 0, figures(result));

  older.write('after-restart;');
  await older.waitForText('after-restart;');
  assert.ok(isAlive(first.pid), 'the first worker still drains the older connection');
  older.end();
  await older.waitClosed();
  assert.equal(older.received.toString(), 'before;after-reload;after-restart;');
  await waitFor('the first worker to exit once drained', () => !isAlive(first.pid));
});

test('a port removed from the YAML refuses once the old worker has drained; an added port accepts', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [kept, removed, added] = await freePortRange(3);
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: `${kept},${removed}`, destPorts: [backend.port], extra: DRAIN }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const first = await sup.proxy('p');
  const onRemoved = await TcpClient.connect(removed!);
  t.after(() => onRemoved.destroy());
  onRemoved.write('x;');
  await onRemoved.waitForText('x;');

  sup.writeProxy('p.yaml', proxyYaml({ name: 'p', originPorts: `${kept},${added}`, destPorts: [backend.port], extra: DRAIN }));
  const second = await sup.waitForProxy('p', 'running on the new ports', (p) => p.state === 'running' && p.pid !== first.pid);
  assert.deepEqual(second.listeners.map((l: any) => [l.port, l.state]), [[kept, 'serving'], [added, 'serving']]);
  await waitFor('the removed port to refuse', () => tcpRefused(removed!));
  onRemoved.write('still;');
  await onRemoved.waitForText('still;');
  assert.equal((await tcpRoundTrip(added!, 'added;', 6)).toString(), 'added;');
  assert.equal((await tcpRoundTrip(kept!, 'kept;', 5)).toString(), 'kept;');
  onRemoved.end();
  await onRemoved.waitClosed();
  await waitFor('the old worker to exit once drained', () => !isAlive(first.pid));
  assert.equal(await tcpRefused(removed!), true);
});

test('a port taken by another process: the proxy reports the bind error, its other ports serve, and the port is served once free', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [free, taken] = await freePortRange(2);
  const squatter = net.createServer((socket) => socket.end('squatter')).listen(taken, '127.0.0.1');
  await new Promise((resolve) => squatter.once('listening', resolve));
  let squatting = true;
  t.after(() => squatting && squatter.close());
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: `${free},${taken}`, destPorts: [backend.port] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const proxy = await sup.proxy('p');
  assert.deepEqual(proxy.listeners, [
    { ip: '127.0.0.1', port: free, protocol: 'tcp', state: 'serving', error: null },
    { ip: '127.0.0.1', port: taken, protocol: 'tcp', state: 'failed', error: { code: 'ERR_LISTEN_ADDRESS_IN_USE', message: `cannot listen on 127.0.0.1:${taken}: EADDRINUSE` } },
  ]);
  assert.match(proxy.last_error.message, new RegExp(`127\\.0\\.0\\.1:${taken}: EADDRINUSE`));
  assert.equal((await tcpRoundTrip(free!, 'served;', 7)).toString(), 'served;');
  assert.ok(sup.logs.some((l) => l['message'] === 'listener bind failed' && l['listener'] === taken));

  await new Promise((resolve) => squatter.close(resolve));
  squatting = false;
  const healed = await sup.waitForProxy('p', 'serving the freed port', (p) => p.state === 'running' && p.listeners.every((l: any) => l.state === 'serving'), 15_000);
  assert.notEqual(healed.pid, proxy.pid, 'a new worker serves the whole listener set');
  assert.equal((await tcpRoundTrip(taken!, 'freed;', 6)).toString(), 'freed;');
  assert.ok(sup.logs.some((l) => l['message'] === 'listener bound after retry'));
});

/** The backlog of the socket listening on 127.0.0.1:`port`: `ss` shows it as a LISTEN socket's Send-Q. */
function backlogOf(port: number): number | undefined {
  const line = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim();
  const sendQ = line.split(/\s+/)[2];
  return sendQ === undefined ? undefined : Number(sendQ);
}

test('network.listen_backlog is the listening socket\'s backlog; a change restarts the worker on the same socket', { skip: missingTool('ss', 'iproute2') }, async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    globalExtra: 'network:\n  listen_backlog: 77\n',
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  assert.equal(backlogOf(port), 77);
  const first = await sup.proxy('p');
  writeFileSync(sup.globalFile, readFileSync(sup.globalFile, 'utf8').replace('listen_backlog: 77', 'listen_backlog: 99'));
  sup.signal('SIGHUP');
  await sup.waitForProxy('p', 'a new worker', (p) => p.state === 'running' && p.pid !== first.pid);
  await waitFor('the new backlog', () => backlogOf(port) === 99);
  assert.equal((await tcpRoundTrip(port, 'x;', 2)).toString(), 'x;');
});

/** Pids of the processes owning an established TCP connection whose local port is `port`. */
function ownersOfConnectionsOn(port: number): number[] {
  const out = spawnSync('ss', ['-tnpH', 'state', 'established', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  return [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

test('a restart lets a connection still in its first-bytes stage (L7 inspection) finish in the old worker', { skip: missingTool('ss', 'iproute2') }, async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const inspect = 'l7_protection:\n  enabled: true\n  payload_inspection:\n    enabled: true\n    mode: "minecraft-java"\n' + DRAIN;
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: inspect }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const first = await sup.proxy('p');
  const client = await TcpClient.connect(port);
  t.after(() => client.destroy());
  await waitFor('the old worker to hold the accepted connection', () => ownersOfConnectionsOn(port).includes(first.pid));
  const restart = await sup.api('POST', '/api/proxies/p/restart', { key: ADMIN_KEY });
  assert.equal(restart.status, 200, restart.text);
  await sup.waitForProxy('p', 'a new worker', (p) => p.state === 'running' && p.pid !== first.pid);
  const handshake = javaHandshake({ nextState: 1 });
  client.write(handshake);
  const echoed = await client.waitForBytes(handshake.length);
  assert.deepEqual(echoed, handshake, 'the handshake passed inspection in the draining worker and was relayed');
  client.end();
  await client.waitClosed();
});
