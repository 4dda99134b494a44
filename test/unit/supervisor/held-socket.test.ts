// The supervisor-held listening socket, end to end with real child processes: this process plays
// the supervisor (binds, never serves), children play workers (adopt the handle, echo with their
// pid). Run on every Node major in `engines` (see the README's "Listening sockets" section).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { BindError, HeldSocket } from '../../../supervisor/listeners/held-socket.js';
import type { ChildCommand, ChildReport } from '../../fixtures/held-socket-child.js';
import { TcpClient } from '../../helpers/tcp-client.js';
import { tcpRefused } from '../../helpers/client-probes.js';
import { waitFor } from '../../helpers/wait-for.js';

const HELD_SOCKET_MODULE = new URL('../../../supervisor/listeners/held-socket.js', import.meta.url).href;
const CHILD = fileURLToPath(new URL('../../fixtures/held-socket-child.js', import.meta.url));

interface TestContext {
  after(fn: () => unknown): void;
}

class Child {
  readonly reports: ChildReport[] = [];
  exited = false;

  constructor(readonly process: ChildProcess) {
    process.on('message', (report: ChildReport) => this.reports.push(report));
    process.once('exit', () => (this.exited = true));
  }

  static start(t: TestContext): Child {
    const child = new Child(fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }));
    t.after(() => child.kill());
    return child;
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Sends a command (with the held handle, when given) and waits for the child's next report. */
  async command(command: ChildCommand, held?: HeldSocket): Promise<ChildReport> {
    const before = this.reports.length;
    this.process.send(command, held?.handle);
    return waitFor(`child ${this.pid} to answer ${command.type}`, () => this.reports[before]);
  }

  async serve(held: HeldSocket, paused = false): Promise<void> {
    const family = held.ip.includes(':') ? 'udp6' : 'udp4';
    const command: ChildCommand = held.protocol === 'tcp' ? { type: 'serve-tcp', backlog: 128 } : { type: 'serve-udp', family, paused };
    assert.deepEqual(await this.command(command, held), { type: 'serving' });
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    this.process.kill('SIGKILL');
    await waitFor(`child ${this.pid} to exit`, () => this.exited);
  }
}

function hold(t: TestContext, protocol: 'tcp' | 'udp', ip = '127.0.0.1', port = 0): HeldSocket {
  const held = HeldSocket.bind(protocol, ip, port);
  t.after(() => held.close());
  return held;
}

async function udpClient(t: TestContext, family: 'udp4' | 'udp6' = 'udp4'): Promise<{ socket: dgram.Socket; replies: string[] }> {
  const socket = dgram.createSocket(family);
  const replies: string[] = [];
  socket.on('message', (message) => replies.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, family === 'udp6' ? '::1' : '127.0.0.1', resolve));
  t.after(() => socket.close());
  return { socket, replies };
}

function hasIpv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
}

describe(`held listening sockets on Node ${process.version}`, () => {
  test('binds port 0 and reads the real port back; nothing accepts until a worker listens', async (t) => {
    const held = hold(t, 'tcp');
    assert.ok(held.port > 0);
    assert.equal(held.address, `127.0.0.1:${held.port}`);
    assert.equal(await tcpRefused(held.port), true, 'a bound socket that no worker listened on refuses');
  });

  test('a connection made while no worker runs waits in the backlog and is served by the next one', async (t) => {
    const held = hold(t, 'tcp');
    const first = Child.start(t);
    await first.serve(held);
    await first.kill();
    // The supervisor (this process) holds the socket but never accepts: the connection completes
    // in the kernel and its bytes wait until the replacement accepts it.
    const client = await TcpClient.connect(held.port);
    t.after(() => client.destroy());
    client.write('hello');
    const second = Child.start(t);
    await second.serve(held);
    assert.equal((await client.waitForBytes(`${second.pid}:hello`.length)).toString(), `${second.pid}:hello`);
  });

  test('a datagram sent while no worker runs is read by the next one', async (t) => {
    const held = hold(t, 'udp');
    const first = Child.start(t);
    await first.serve(held);
    await first.kill();
    const { socket, replies } = await udpClient(t);
    socket.send('in the gap', held.port, '127.0.0.1');
    const second = Child.start(t);
    await second.serve(held);
    await waitFor('the gap datagram to be answered', () => replies.length > 0);
    assert.deepEqual(replies, [`${second.pid}:in the gap`]);
  });

  test('a paused reader leaves every datagram to the worker that reads, and still replies', async (t) => {
    const held = hold(t, 'udp');
    const old = Child.start(t);
    await old.serve(held);
    const successor = Child.start(t);
    await successor.serve(held, true);
    await old.command({ type: 'pause-udp' });
    await successor.command({ type: 'resume-udp' });
    const { socket, replies } = await udpClient(t);
    for (let i = 0; i < 20; i++) socket.send(`d${i}`, held.port, '127.0.0.1');
    await waitFor('20 replies', () => replies.length === 20);
    assert.ok(replies.every((reply) => reply.startsWith(`${successor.pid}:`)), replies.join(' '));
    const client = socket.address();
    const from: number[] = [];
    socket.on('message', (_message, rinfo) => from.push(rinfo.port));
    await old.command({ type: 'send-udp', text: 'late reply', port: client.port, address: client.address });
    await waitFor('the paused worker\'s reply', () => replies.length === 21);
    assert.equal(replies[20], `${old.pid}:late reply`);
    assert.deepEqual(from, [held.port], 'the reply comes from the listening port');
  });

  test('binding UDP prints no deprecation warning (dgram._createSocketHandle is DEP0112)', async () => {
    const script = `import('${HELD_SOCKET_MODULE}').then(({ HeldSocket }) => HeldSocket.bind('udp', '127.0.0.1', 0).close())`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });

  test('a TCP port another process listens on is a BindError with EADDRINUSE', async (t) => {
    const other = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    t.after(() => other.close());
    const port = (other.address() as net.AddressInfo).port;
    assert.throws(() => HeldSocket.bind('tcp', '127.0.0.1', port), (err: unknown) => {
      assert.ok(err instanceof BindError);
      assert.equal(err.errno, 'EADDRINUSE');
      assert.equal(err.code, 'ERR_LISTEN_ADDRESS_IN_USE');
      assert.equal(err.message, `cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      return true;
    });
  });

  test('a UDP port already bound, or an address not on this host, is a BindError', (t) => {
    const held = hold(t, 'udp');
    assert.throws(() => HeldSocket.bind('udp', '127.0.0.1', held.port), { errno: 'EADDRINUSE' });
    assert.throws(() => HeldSocket.bind('tcp', '192.0.2.1', 0), { errno: 'EADDRNOTAVAIL' });
    assert.throws(() => HeldSocket.bind('udp', '192.0.2.1', 0), { errno: 'EADDRNOTAVAIL' });
  });

  test('the port is free once the supervisor closed its socket and the last worker closed its own', async (t) => {
    const held = hold(t, 'tcp');
    const worker = Child.start(t);
    await worker.serve(held);
    held.close();
    assert.equal(held.isClosed, true);
    assert.throws(() => held.handle, /closed/);
    const client = await TcpClient.connect(held.port);
    client.destroy();
    assert.deepEqual(await worker.command({ type: 'close' }), { type: 'closed' });
    await waitFor('the port to refuse', () => tcpRefused(held.port));
    hold(t, 'tcp', '127.0.0.1', held.port);
  });

  test('IPv6: TCP and UDP on ::1 survive a worker kill', { skip: hasIpv6Loopback() ? false : 'no ::1 on this host' }, async (t) => {
    const tcp = hold(t, 'tcp', '::1');
    const udp = hold(t, 'udp', '::1');
    const first = Child.start(t);
    await first.serve(tcp);
    await first.serve(udp);
    await first.kill();
    const client = await TcpClient.connect(tcp.port, { host: '::1' });
    t.after(() => client.destroy());
    client.write('v6');
    const { socket, replies } = await udpClient(t, 'udp6');
    socket.send('v6', udp.port, '::1');
    const second = Child.start(t);
    await second.serve(tcp);
    await second.serve(udp);
    assert.equal((await client.waitForBytes(`${second.pid}:v6`.length)).toString(), `${second.pid}:v6`);
    await waitFor('the UDP reply', () => replies.length > 0);
    assert.deepEqual(replies, [`${second.pid}:v6`]);
  });
});
