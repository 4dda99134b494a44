// data_path: kernel end to end: a client namespace reaches two backends through the proxy box,
// whose supervisor puts the proxies on nftables. Fan-out, one-to-one, weighted, ip-hash.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml } from '../helpers/kernel-lab.js';
import type { SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';

const UNAVAILABLE = kernelLabUnavailable();

describe('kernel forwarding: traffic through nftables', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let a: string;
  let b: string;

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    [a, b] = lab.backendIps;
    for (const ip of lab.backendIps) await lab.startBackend(ip, [35565, 35570, 35571, 35572]);
    const host = lab.proxyIp;
    const dests = `${a}, ${b}`;
    const quickDrain = 'connection_draining:\n  timeout: 1s\n';
    supervisor = await lab.startSupervisor(
      {
        'fan.yaml': kernelProxyYaml('fan', { 'origin-ip': host, 'origin-port': 25565, 'dest-ip': dests, 'dest-port': 35565, protocol: 'tcp-udp' }, quickDrain),
        'weighted.yaml': kernelProxyYaml('weighted', { 'origin-ip': host, 'origin-port': 25566, 'dest-ip': dests, 'dest-port': 35565, protocol: 'tcp' }, `load_balancing:\n  algorithm: weighted\n  upstream_weights:\n    "${a}": 3\n`),
        'hash.yaml': kernelProxyYaml('hash', { 'origin-ip': '0.0.0.0', 'origin-port': 25567, 'dest-ip': dests, 'dest-port': 35565, protocol: 'tcp' }, 'load_balancing:\n  algorithm: ip-hash\n'),
        'o2o.yaml': kernelProxyYaml('o2o', { 'origin-ip': host, 'origin-port': '25570:25572', 'dest-ip': dests, 'dest-port': '35570:35572', 'one-to-one': true, protocol: 'tcp-udp' }, quickDrain),
      },
      ['fan', 'weighted', 'hash', 'o2o'],
    );
  });

  after(async () => {
    await supervisor?.stop();
    await lab?.destroy();
  });

  it('echoes 64 KiB over TCP byte for byte', async () => {
    const result = await lab.client('echo-tcp', { host: lab.proxyIp, port: 25565, bytes: 65_536 });
    assert.deepEqual(result, { ok: true, sent: 65_536, received: 65_536 });
  });

  it('answers UDP from 20 source ports, each a session of its own', async () => {
    assert.deepEqual(await lab.client('echo-udp', { host: lab.proxyIp, port: 25565, sources: 20 }), { answered: 20 });
  });

  it('fan-out: round-robin reaches every target, TCP and UDP', async () => {
    const tcp = await lab.client('who-tcp', { host: lab.proxyIp, port: 25565, count: 40, parallel: 1 });
    assert.deepEqual(tcp, { byUpstream: { [`${a}:35565`]: 20, [`${b}:35565`]: 20 }, failed: 0 });
    const udp = await lab.client('who-udp', { host: lab.proxyIp, port: 25565, sources: 20 });
    assert.deepEqual(Object.keys(udp.byUpstream).sort(), [`${a}:35565`, `${b}:35565`].sort());
  });

  it('one-to-one 3→3: origin port k reaches dest port k on either backend', async () => {
    for (let k = 0; k < 3; k++) {
      const tcp = await lab.client('who-tcp', { host: lab.proxyIp, port: 25570 + k, count: 4, parallel: 1 });
      assert.deepEqual(tcp, { byUpstream: { [`${a}:${35570 + k}`]: 2, [`${b}:${35570 + k}`]: 2 }, failed: 0 });
      const udp = await lab.client('who-udp', { host: lab.proxyIp, port: 25570 + k, sources: 4 });
      for (const upstream of Object.keys(udp.byUpstream)) assert.match(upstream, new RegExp(`:${35570 + k}$`));
    }
  });

  it('weighted 3:1 gives 3:1 ± 5 % over 4,000 connections', async (t) => {
    const { byUpstream, failed } = await lab.client('who-tcp', { host: lab.proxyIp, port: 25566, count: 4000, parallel: 50 });
    t.diagnostic(JSON.stringify(byUpstream));
    assert.equal(failed, 0);
    const ratio = byUpstream[`${a}:35565`] / byUpstream[`${b}:35565`];
    assert.ok(Math.abs(ratio - 3) <= 0.15, `ratio ${ratio}`);
  });

  it('ip-hash keeps one client on one target, and a local client reaches it through 127.0.0.1', async () => {
    const { byUpstream } = await lab.client('who-tcp', { host: lab.proxyIp, port: 25567, count: 30, parallel: 5 });
    assert.deepEqual(Object.values(byUpstream), [30]);
    const local = await lab.lab.exec('prx', process.execPath, ['-e', `require('net').connect(25567, '127.0.0.1').on('connect', function () { this.write('WHO?'); }).on('data', (d) => process.stdout.write(d))`]);
    assert.match(local.stdout, new RegExp(`^(${a}|${b}):35565$`));
  });
});
