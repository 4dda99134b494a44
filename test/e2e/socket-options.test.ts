import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';

/** The kernel's view of sockets with a given local port: `ss` shows armed keepalive timers. */
function ssLines(filter: string): string[] {
  return execFileSync('ss', ['-tno', 'state', 'established', filter], { encoding: 'utf8' }).trim().split('\n').slice(1);
}

for (const enabled of [true, false]) {
  test(`tcp_keepalive_enabled: ${enabled} ${enabled ? 'arms' : 'does not arm'} keepalive on both legs`, async (t) => {
    const backend = await startTcpBackend();
    t.after(() => backend.close());
    const port = await freePort();
    const sup = await SupervisorProcess.start({
      globalExtra: `network:\n  tcp_keepalive_enabled: ${enabled}\n  tcp_keepalive_interval: 45s\n`,
      proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port] }) },
      waitForRunning: ['p'],
    });
    t.after(() => sup.stop());
    const client = await TcpClient.connect(port);
    t.after(() => client.destroy());
    client.write('x');
    await client.waitForBytes(1);
    const clientLeg = ssLines(`( sport = :${port} )`);
    const upstreamLeg = ssLines(`( dport = :${backend.port} )`);
    assert.equal(clientLeg.length, 1);
    assert.equal(upstreamLeg.length, 1);
    for (const line of [...clientLeg, ...upstreamLeg]) {
      if (enabled) assert.match(line, /timer:\(keepalive,(4[0-5]|3\d)sec/, line);
      else assert.doesNotMatch(line, /keepalive/, line);
    }
  });
}

test('udp_read_buffer and udp_write_buffer size the UDP listening socket', async (t) => {
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    globalExtra: 'network:\n  udp_read_buffer: 65536\n  udp_write_buffer: 100000\n',
    proxies: { 'u.yaml': proxyYaml({ name: 'u', originPorts: [port], destPorts: [await freePort()], protocol: 'udp' }) },
    waitForRunning: ['u'],
  });
  t.after(() => sup.stop());
  const lines = execFileSync('ss', ['-uamn', `sport = :${port}`], { encoding: 'utf8' });
  // The kernel doubles the value it is given (room for its bookkeeping) and reports that.
  assert.match(lines, /rb131072\b/, lines);
  assert.match(lines, /tb200000\b/, lines);
});
