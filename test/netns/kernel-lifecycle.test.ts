// data_path: kernel across changes: a new weight or target set swaps map elements only (every rule
// keeps its handle), a deleted proxy takes every element it owned along, a SIGKILLed supervisor
// leaves forwarding running and its successor adopts the table (exactly one set of everything),
// and a clean stop leaves no table behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml } from '../helpers/kernel-lab.js';
import type { SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = kernelLabUnavailable();
const DRAIN = 'connection_draining:\n  timeout: 1s\n';

/** Every rule of the table as `chain#handle`, in order. */
function ruleHandles(table: { nftables: any[] } | null): string[] {
  return (table?.nftables ?? []).flatMap((item) => (item.rule === undefined ? [] : [`${item.rule.chain}#${item.rule.handle}`]));
}

function chainsOf(table: { nftables: any[] } | null): string[] {
  return (table?.nftables ?? []).flatMap((item) => (item.chain === undefined ? [] : [item.chain.name as string])).sort();
}

describe('kernel forwarding: reloads, removal, crash and restart', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let a: string;
  let b: string;
  const weighted = (weights: string, ports = '35565') =>
    kernelProxyYaml('w', { 'origin-ip': lab.proxyIp, 'origin-port': 25600, 'dest-ip': `${a}, ${b}`, 'dest-port': ports, protocol: 'tcp' }, `${DRAIN}load_balancing:\n  algorithm: weighted\n  upstream_weights:\n${weights}`);
  const who = async (port: number, count = 40) => (await lab.client('who-tcp', { host: lab.proxyIp, port, count, parallel: 1 })).byUpstream;
  const reloads = () => supervisor.logs.filter((l) => l['message'] === 'proxy config applied' && l['proxy'] === 'w' && l['outcome'] === 'reconfigured').length;
  const applied = (count: number) => waitFor(`reload ${count} applied in place`, () => reloads() >= count, { timeoutMs: 5000 });

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    [a, b] = lab.backendIps;
    for (const ip of lab.backendIps) await lab.startBackend(ip, [35565, 35566]);
    supervisor = await lab.startSupervisor(
      {
        'w.yaml': weighted(`    "${a}": 3\n`),
        'keep.yaml': kernelProxyYaml('keep', { 'origin-ip': '0.0.0.0', 'origin-port': 25601, 'dest-ip': a, 'dest-port': 35565, protocol: 'tcp-udp' }, DRAIN),
      },
      ['w', 'keep'],
    );
  });

  after(async () => {
    await supervisor?.stop('SIGKILL');
    await lab?.destroy();
  });

  it('a weight change swaps map elements: the traffic follows, every rule keeps its handle', async () => {
    assert.deepEqual(await who(25600), { [`${a}:35565`]: 30, [`${b}:35565`]: 10 });
    const handles = ruleHandles(await lab.table());
    supervisor.writeProxy('w.yaml', weighted(`    "${b}": 3\n`));
    await applied(1);
    assert.deepEqual(await who(25600), { [`${a}:35565`]: 10, [`${b}:35565`]: 30 });
    assert.deepEqual(ruleHandles(await lab.table()), handles);
  });

  it('new targets too: every rule keeps its handle, every target gets flows', async () => {
    const handles = ruleHandles(await lab.table());
    supervisor.writeProxy('w.yaml', weighted(`    "${b}": 3\n`, '35565,35566'));
    await applied(2);
    assert.deepEqual(Object.keys(await who(25600)).sort(), [`${a}:35565`, `${a}:35566`, `${b}:35565`, `${b}:35566`].sort());
    assert.deepEqual(ruleHandles(await lab.table()), handles);
  });

  it('a renamed proxy keeps forwarding under its new name', async () => {
    supervisor.writeProxy('w.yaml', weighted(`    "${b}": 3\n`).replace('name: "w"', 'name: "w2"'));
    await waitFor('w2 running', async () => (await supervisor.proxy('w2'))?.state === 'running', { timeoutMs: 8000 });
    await waitFor('the old name\'s rules gone', async () => (await lab.nft(['list', 'table', 'inet', 'routex'])).includes('proxy=w ') === false, { timeoutMs: 8000 });
    assert.deepEqual(await who(25600), { [`${a}:35565`]: 10, [`${b}:35565`]: 30 });
  });

  it('deleting the proxy removes every object and element it owned; the other proxy runs on', async () => {
    const id = await lab.proxyId('w2');
    supervisor.removeProxy('w.yaml');
    await waitFor('the proxy\'s chains gone', async () => !chainsOf(await lab.table()).some((name) => name.startsWith(`p${id}_`)), { timeoutMs: 8000 });
    const listing = await lab.nft(['list', 'table', 'inet', 'routex']);
    assert.doesNotMatch(listing, new RegExp(`p${id}_`));
    assert.doesNotMatch(listing, new RegExp(`${lab.proxyIp} \\. tcp \\. 25600`));
    assert.equal((await lab.client('connect', { host: lab.proxyIp, port: 25600, timeoutMs: 700 })).outcome, 'refused');
    assert.deepEqual(await who(25601, 4), { [`${a}:35565`]: 4 });
  });

  it('a SIGKILLed supervisor leaves forwarding on; the next one adopts the table: exactly one set of everything', async () => {
    const table = await lab.table();
    supervisor.signal('SIGKILL');
    await supervisor.waitForExit();
    assert.deepEqual(await who(25601, 4), { [`${a}:35565`]: 4 }, 'the kernel forwards while RouteX is down');
    supervisor = await supervisor.restart({ waitForRunning: ['keep'] });
    const after = await lab.table();
    assert.deepEqual(chainsOf(after), chainsOf(table));
    const keepId = await lab.proxyId('keep');
    const keepRules = (t: typeof table) => ruleHandles(t).filter((rule) => rule.startsWith(`p${keepId}_`));
    assert.deepEqual(keepRules(after), keepRules(table), 'the proxy\'s rules were adopted, not written again');
    assert.equal(ruleHandles(after).length, ruleHandles(table).length);
    const listing = await lab.nft(['list', 'table', 'inet', 'routex']);
    assert.equal(listing.match(/goto p\d+_admit/g)?.length, 2, 'one origin element per protocol');
    assert.equal(listing.match(/jump p\d+_nat/g)?.length, 1);
    assert.deepEqual(await who(25601, 4), { [`${a}:35565`]: 4 });
  });

  it('a clean stop drains the proxies and removes the table', async () => {
    await supervisor.stop();
    assert.equal(await lab.table(), null);
  });
});
