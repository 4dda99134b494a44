// TLS SNI routing through the real supervisor: Node TLS clients reach the backend their
// servername names and verify that backend's own certificate (RouteX passes the bytes on
// untouched); no SNI goes to the default route; an unknown name is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess, ADMIN_KEY } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { missingTool } from '../helpers/system-tools.js';
import { makeTestPki, type TestPki } from '../helpers/test-certificates.js';

/** A TLS server for `host` that greets with its name, then echoes. */
async function tlsBackend(t: { after(fn: () => unknown): void }, pki: TestPki, host: string): Promise<number> {
  const server = tls.createServer(pki.server(host), (socket) => {
    socket.write(`${host}\n`);
    socket.pipe(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

interface Session {
  greeting: string;
  echoed: boolean;
  authorized: boolean;
}

/** Connects with `servername` ('' = no SNI), checks the certificate against the test CA, echoes 64 KiB. */
function connect(port: number, servername: string, pki: TestPki, expectHost: string): Promise<Session> {
  const payload = randomBytes(64 * 1024);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername,
      ca: pki.ca,
      rejectUnauthorized: true,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(expectHost, cert),
    });
    let received = Buffer.alloc(0);
    socket.on('secureConnect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const newline = received.indexOf(0x0a);
      if (newline >= 0 && received.length >= newline + 1 + payload.length) {
        const session = { greeting: received.toString('utf8', 0, newline), echoed: received.subarray(newline + 1).equals(payload), authorized: socket.authorized };
        socket.destroy();
        resolve(session);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before the echo')));
  });
}

/** The greeting of whichever backend a TLS client with `servername` lands on (certificate not checked). */
function greetingFor(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('utf8').trim());
    });
    socket.on('error', reject);
  });
}

function routesYaml(routes: [string, number][]): string {
  return `
routing:
  by: "tls-sni"
  unknown: "reject"
routes:
${routes.map(([host, port]) => `  - hosts: ["${host}"]\n    dest-ip: "127.0.0.1"\n    dest-port: ${port}`).join('\n')}
`;
}

test('TLS clients reach the backend their SNI names, with its own certificate; no SNI goes to the default route; unknown names are closed', { skip: missingTool('openssl', 'openssl') }, async (t) => {
  const pki = makeTestPki(['a.test', 'b.test', 'default.test']);
  const a = await tlsBackend(t, pki, 'a.test');
  const b = await tlsBackend(t, pki, 'b.test');
  const fallback = await tlsBackend(t, pki, 'default.test');
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'tls.yaml': proxyYaml({
        name: 'tls',
        originPorts: [port],
        destPorts: [fallback],
        extra: routesYaml([['a.test', a], ['b.test', b]]),
      }),
    },
    waitForRunning: ['tls'],
  });
  t.after(() => sup.stop());

  assert.deepEqual(await connect(port, 'a.test', pki, 'a.test'), { greeting: 'a.test', echoed: true, authorized: true });
  assert.deepEqual(await connect(port, 'B.TEST', pki, 'b.test'), { greeting: 'b.test', echoed: true, authorized: true });
  assert.deepEqual(await connect(port, '', pki, 'default.test'), { greeting: 'default.test', echoed: true, authorized: true });
  await assert.rejects(connect(port, 'c.test', pki, 'c.test'), /ECONNRESET|closed before|socket disconnected/);

  const stats = await waitFor('route counts', async () => {
    const body = (await sup.api('GET', '/api/stats/proxy/tls', { key: ADMIN_KEY })).body;
    return body.routing_rejected === 1 ? body : undefined;
  });
  assert.deepEqual(stats.routes.map((r: { route: string; connections: number }) => [r.route, r.connections]), [['default', 1], ['a.test', 1], ['b.test', 1]]);
});

test('routes change in place on reload: new connections follow the new table, open ones stay, the worker is not restarted', { skip: missingTool('openssl', 'openssl') }, async (t) => {
  const pki = makeTestPki(['a.test', 'b.test', 'default.test']);
  const a = await tlsBackend(t, pki, 'a.test');
  const b = await tlsBackend(t, pki, 'b.test');
  const fallback = await tlsBackend(t, pki, 'default.test');
  const port = await freePort();
  const yaml = (routes: [string, number][]) => proxyYaml({ name: 'tls', originPorts: [port], destPorts: [fallback], extra: routesYaml(routes) });
  const sup = await SupervisorProcess.start({ proxies: { 'tls.yaml': yaml([['a.test', a]]) }, waitForRunning: ['tls'] });
  t.after(() => sup.stop());
  const pid = (await sup.proxy('tls')).pid;
  const open = tls.connect({ host: '127.0.0.1', port, servername: 'a.test', ca: pki.ca });
  t.after(() => open.destroy());
  await new Promise((resolve) => open.once('data', resolve));
  await assert.rejects(greetingFor(port, 'b.test'));

  sup.writeProxy('tls.yaml', yaml([['a.test', b], ['b.test', a]]));
  await waitFor('the new routes', async () => (await greetingFor(port, 'a.test')) === 'b.test', { timeoutMs: 5000, intervalMs: 100 });
  assert.equal(await greetingFor(port, 'b.test'), 'a.test');
  assert.equal((await sup.proxy('tls')).pid, pid, 'the worker was not restarted');
  const echoed = new Promise((resolve) => open.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  open.write('still here');
  assert.equal(await echoed, 'still here', 'the open connection kept its backend');
  open.destroy();
});
