// The Redis settings that reach the wire: a password from password_file, TLS with the server's
// certificate checked against ca_file, and a client certificate for a Redis that asks for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startClusterNode } from '../../supervisor/cluster/cluster-node.js';
import { MemoryBanStore } from '../../supervisor/bans/ban-store.js';
import { BanList } from '../../supervisor/bans/ban-list.js';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { clusterConfig, MemoryLogger } from '../helpers/cluster-in-process.js';
import { freePort } from '../helpers/free-ports.js';
import { missingTool } from '../helpers/system-tools.js';

const skip = redisMissing() || missingTool('openssl', 'openssl');

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=routex test CA');
  for (const [name, extra] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(file(`${name}.ext`), `${extra}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  return { ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key') };
}

test('TLS with a client certificate and a password from password_file connects; without the certificate or with a wrong password it does not', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-redis-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeCertificates(dir);
  const port = await freePort();
  const redis = await RedisServer.start({
    port,
    args: ['--tls-port', String(port), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'yes', '--requirepass', 's3cret'],
  });
  t.after(() => redis.stop());
  writeFileSync(path.join(dir, 'redis.pass'), 's3cret\n');
  writeFileSync(path.join(dir, 'wrong.pass'), 'guess\n');
  const tls = { enabled: true, caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey };
  const attempt = async (redisSettings: Parameters<typeof clusterConfig>[2], waitMs = 600) => {
    const logs = new MemoryLogger();
    const node = await startClusterNode(clusterConfig(`redis://127.0.0.1:${port}`, 'edge-tls', redisSettings), new MemoryBanStore(), logs, waitMs);
    t.after(() => node.close([], Date.now(), 'UTC'));
    return node.status();
  };

  const ok = await attempt({ tls, passwordFile: path.join(dir, 'redis.pass') }, 3000);
  assert.equal(ok.connected, true, JSON.stringify(ok));
  const noClientCert = await attempt({ tls: { ...tls, certFile: '', keyFile: '' }, passwordFile: path.join(dir, 'redis.pass') });
  assert.equal(noClientCert.connected, false);
  const wrongPassword = await attempt({ tls, passwordFile: path.join(dir, 'wrong.pass') });
  assert.equal(wrongPassword.connected, false);
  assert.match(wrongPassword.last_error ?? '', /WRONGPASS|invalid username-password/i);
  const plain = await attempt({ passwordFile: path.join(dir, 'redis.pass') });
  assert.equal(plain.connected, false, 'a TLS-only Redis does not answer plain text');
});

test('an unreadable or empty password_file stops the start, naming the field', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-redis-pass-'));
  try {
    writeFileSync(path.join(dir, 'empty'), '\n');
    await assert.rejects(startClusterNode(clusterConfig('redis://127.0.0.1:1', 'edge', { passwordFile: path.join(dir, 'missing') }), new MemoryBanStore(), new MemoryLogger(), 10), /cluster\.redis\.password_file: cannot read .*missing \(ENOENT\)/);
    await assert.rejects(startClusterNode(clusterConfig('redis://127.0.0.1:1', 'edge', { passwordFile: path.join(dir, 'empty') }), new MemoryBanStore(), new MemoryLogger(), 10), /password_file: .*empty is empty/);
    await assert.rejects(startClusterNode(clusterConfig('redis://127.0.0.1:1', 'edge', { tls: { enabled: true, caFile: path.join(dir, 'nope.pem'), certFile: '', keyFile: '' } }), new MemoryBanStore(), new MemoryLogger(), 10), /cluster\.redis\.tls\.ca_file: cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The ACL the README gives for RouteX's Redis user: every command a node sends, nothing else. */
const README_ACL = ['~routex:*', '&routex:*', '+get', '+set', '+del', '+mget', '+scan', '+hget', '+hset', '+hincrby', '+hgetall', '+pexpireat', '+publish', '+subscribe', '+eval', '+evalsha', '+ping', '+info', '+hello', '+client|setname', '+config|get'];

test('an ACL user with only the commands the README lists can ban, unban and count usage', { skip: redisMissing() }, async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  assert.equal(await redis.command('ACL', 'SETUSER', 'routex', 'on', '>acl-pass', ...README_ACL), '+OK\r\n');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-redis-acl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'pass'), 'acl-pass\n');
  const logs = new MemoryLogger();
  const config = clusterConfig(`redis://routex@127.0.0.1:${redis.port}`, 'edge-acl', { passwordFile: path.join(dir, 'pass'), keyPrefix: 'routex:' });
  const node = await startClusterNode(config, new MemoryBanStore(), logs);
  t.after(() => node.close([], Date.now(), 'UTC'));
  const list = new BanList(new MemoryBanStore(), logs, Date.now, 'edge-acl');
  await list.load(node.bans);
  list.add('192.0.2.9/32', 'acl', 'api', 60_000);
  list.remove('192.0.2.9/32');
  list.close();
  node.usage.add('mc', Date.now(), 10, 5);
  await node.usage.sync(['mc'], Date.now(), 'UTC');
  assert.equal(node.usage.usage('mc', Date.now(), 'UTC').usage.hourly.bytesIn, 10);
  assert.equal(node.status().pending.usage_entries, 0);
  assert.equal(await redis.command('EXISTS', 'routex:unban:192.0.2.9/32'), ':1\r\n');
  assert.equal(await redis.command('ACL', 'LOG'), '*0\r\n', 'no command was refused');
  assert.deepEqual(logs.lines.filter((l) => l.level !== 'info'), []);
});

test('the README gives exactly this ACL', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  assert.ok(readme.includes(`ACL SETUSER routex on >PASSWORD ${README_ACL.join(' ')}\``), 'README, Cluster: the ACL line matches README_ACL');
});
