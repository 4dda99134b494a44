// UDP on supervisor-held sockets: datagrams sent while a worker is down wait in the socket's
// receive buffer for its replacement; a restart hands live sessions to the successor. And
// SIGTERM leaves nothing bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort, freePortRange } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { childPids, isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

async function udpClient(t: { after(fn: () => unknown): void }): Promise<{ socket: dgram.Socket; replies: string[] }> {
  const socket = dgram.createSocket('udp4');
  const replies: string[] = [];
  socket.on('message', (message) => replies.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => socket.close());
  return { socket, replies };
}

test('UDP at 200 datagrams/s across a kill -9: every datagram sent after the restart is answered, and those sent in the gap once the replacement runs', async (t) => {
  const backend = await startUdpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], protocol: 'udp' }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const { socket, replies } = await udpClient(t);
  const sentAt: number[] = [];
  const sender = setInterval(() => {
    sentAt.push(Date.now());
    socket.send(`d${sentAt.length - 1}`, port, '127.0.0.1');
  }, 5);
  t.after(() => clearInterval(sender));
  // Bounded: 200/s for at most ~1 s before the kill, the restart gap, and 1 s after it.
  await waitFor('200 datagrams answered before the kill', () => replies.length >= 200, { timeoutMs: 5000 });
  const before = await sup.proxy('p');
  process.kill(before.pid, 'SIGKILL');
  const killedAt = Date.now();
  await sup.waitForProxy('p', 'running again', (p) => p.state === 'running' && p.pid !== before.pid);
  const runningAt = Date.now();
  await waitFor('1 s of traffic after the restart', () => Date.now() - runningAt >= 1000, { timeoutMs: 2000 });
  clearInterval(sender);
  const answered = new Set(replies);
  const stableSince = { count: -1, at: 0 };
  await waitFor('the replies to settle', () => {
    if (answered.size !== stableSince.count) Object.assign(stableSince, { count: answered.size, at: Date.now() });
    for (const reply of replies) answered.add(reply);
    return Date.now() - stableSince.at > 300;
  }, { timeoutMs: 5000 });

  const count = (from: number, to: number) => {
    const seqs = sentAt.flatMap((at, seq) => (at >= from && at < to ? [seq] : []));
    return { sent: seqs.length, answered: seqs.filter((seq) => answered.has(`d${seq}`)).length };
  };
  const beforeKill = count(0, killedAt);
  const gap = count(killedAt, runningAt);
  const after = count(runningAt, Infinity);
  t.diagnostic(`before the kill ${beforeKill.answered}/${beforeKill.sent} answered; in the gap (${runningAt - killedAt} ms) ${gap.answered}/${gap.sent}; after the restart ${after.answered}/${after.sent}`);
  assert.ok(gap.sent >= 50, `the gap held ${gap.sent} datagrams`);
  assert.equal(after.answered, after.sent, 'every datagram sent after the restart is answered');
  assert.equal(gap.answered, gap.sent, 'every datagram sent in the gap is answered once the replacement runs');
});

test('a restart hands UDP sessions over: the client keeps its upstream and is not counted as a new session', async (t) => {
  const [backendA, backendB] = [await startUdpBackend({ tag: 'A:' }), await startUdpBackend({ tag: 'B:' })];
  t.after(() => backendA.close());
  t.after(() => backendB.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'p.yaml': proxyYaml({
        name: 'p',
        originPorts: [port],
        destPorts: `${backendA.port},${backendB.port}`,
        protocol: 'udp',
        extra: 'connection_draining:\n  enabled: true\n  timeout: 10s\nload_balancing:\n  algorithm: round-robin\n',
      }),
    },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const clients = [await udpClient(t), await udpClient(t)];
  for (const [i, client] of clients.entries()) {
    client.socket.send(`hello${i}`, port, '127.0.0.1');
    await waitFor(`client ${i}'s first reply`, () => client.replies.length === 1);
  }
  const upstreamOf = clients.map((c) => c.replies[0]!.slice(0, 2));
  assert.deepEqual([...upstreamOf].sort(), ['A:', 'B:'], 'round-robin put the two clients on different upstreams');
  await waitFor('both sessions counted', async () => (await sup.proxy('p')).total_connections === 2);
  const first = await sup.proxy('p');

  const restart = await sup.api('POST', '/api/proxies/p/restart', { key: ADMIN_KEY });
  assert.equal(restart.status, 200, restart.text);
  const second = await sup.waitForProxy('p', 'running in a new worker', (p) => p.state === 'running' && p.pid !== first.pid);
  for (let round = 0; round < 3; round++) {
    // In reverse order: a fresh round-robin would now swap the two clients' upstreams.
    for (const [i, client] of [...clients.entries()].reverse()) {
      client.socket.send(`again${round}`, port, '127.0.0.1');
      await waitFor(`client ${i}'s reply ${round}`, () => client.replies.length === round + 2);
      assert.equal(client.replies.at(-1), `${upstreamOf[i]}again${round}`, `client ${i} stays on its upstream`);
    }
  }
  assert.ok(isAlive(first.pid), 'the old worker still drains its sessions');
  await waitFor('the counters to arrive', async () => (await sup.proxy('p')).active_udp_sessions === 2, { timeoutMs: 3000 });
  const after = await sup.proxy('p');
  assert.equal(after.total_connections, 2, 'adopted sessions are not new sessions');
  assert.equal(after.pid, second.pid);
});

function bindable(protocol: 'tcp' | 'udp', port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
      return;
    }
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

test('SIGTERM closes every listening socket, of running proxies and of one in crash backoff, and exits 0', async (t) => {
  const tcpBackend = await startTcpBackend();
  const udpBackend = await startUdpBackend();
  t.after(() => tcpBackend.close());
  t.after(() => udpBackend.close());
  const [p1, p2] = await freePortRange(2);
  const crashing = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'both.yaml': proxyYaml({ name: 'both', originPorts: `${p1},${p2}`, destPorts: [tcpBackend.port], protocol: 'tcp-udp' }),
      'crashing.yaml': proxyYaml({ name: 'crashing', originPorts: [crashing], destPorts: [tcpBackend.port] }),
    },
    waitForRunning: ['both', 'crashing'],
  });
  t.after(() => sup.stop('SIGKILL'));
  const ports: ['tcp' | 'udp', number][] = [['tcp', p1!], ['tcp', p2!], ['udp', p1!], ['udp', p2!], ['tcp', crashing]];
  for (const [protocol, port] of ports) assert.equal(await bindable(protocol, port), false, `${protocol} ${port} is held while running`);
  const workers = childPids(sup.pid);
  // A worker killed just before: its proxy waits in backoff, its socket held by the supervisor alone.
  process.kill((await sup.proxy('crashing')).pid, 'SIGKILL');
  const waiting = await sup.waitForState('crashing', 'backoff');
  assert.deepEqual(waiting.listeners.map((l: any) => l.state), ['queueing'], 'the socket stays open while the worker is down');
  assert.ok(Date.parse(waiting.next_restart_at) > Date.now() - 1000);
  sup.signal('SIGTERM');
  assert.equal(await sup.waitForExit(10_000), 0);
  for (const pid of workers) assert.equal(isAlive(pid), false, `worker ${pid} outlived the supervisor`);
  // Every RouteX process is gone, so its sockets are closed; a short poll only rides out another
  // process (a parallel test) touching the same free port for a moment.
  for (const [protocol, port] of ports) await waitFor(`${protocol} ${port} to be free`, () => bindable(protocol, port), { timeoutMs: 3000 });
});
