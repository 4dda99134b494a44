// data_path: kernel, reconcile on start: the supervisor is SIGKILLed, the proxy files change while
// it is down (one removed, one re-weighted and moved to another port, one switched to another
// algorithm), and the next start makes the kernel match the files: what an earlier run left is
// adopted and brought up to date, or removed, never written a second time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml } from '../helpers/kernel-lab.js';
import type { SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';

const UNAVAILABLE = kernelLabUnavailable();
const DRAIN = 'connection_draining:\n  timeout: 1s\n';

/** Rules of the chains whose names start with `prefix`, as `chain#handle`. */
function rulesOf(table: { nftables: any[] } | null, prefix: string): string[] {
  return (table?.nftables ?? []).flatMap((item) => (item.rule?.chain?.startsWith(prefix) ? [`${item.rule.chain}#${item.rule.handle}`] : []));
}

describe('kernel forwarding: a restart reconciles the table with files changed while RouteX was down', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let a: string;
  let b: string;
  const yaml = (name: string, port: number, balancing: string) =>
    kernelProxyYaml(name, { 'origin-ip': lab.proxyIp, 'origin-port': port, 'dest-ip': `${a}, ${b}`, 'dest-port': 35565, protocol: 'tcp' }, `${DRAIN}load_balancing:\n${balancing}`);
  const weights = (ip: string) => `  algorithm: weighted\n  upstream_weights:\n    "${ip}": 3\n`;
  const who = async (port: number, count = 40) => (await lab.client('who-tcp', { host: lab.proxyIp, port, count, parallel: 1 })).byUpstream;

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    [a, b] = lab.backendIps;
    await lab.startBackends([35565]);
    supervisor = await lab.startSupervisor(
      {
        'gone.yaml': yaml('gone', 25640, '  algorithm: round-robin\n'),
        'moved.yaml': yaml('moved', 25641, weights(a!)),
        'reshaped.yaml': yaml('reshaped', 25642, '  algorithm: round-robin\n'),
      },
      ['gone', 'moved', 'reshaped'],
    );
  });

  after(async () => {
    await supervisor?.stop('SIGKILL');
    await lab?.destroy();
  });

  it('a removed proxy is removed, a changed one adopted and brought up to date, a reshaped one rebuilt: one set of everything', async () => {
    assert.deepEqual(await who(25641), { [`${a}:35565`]: 30, [`${b}:35565`]: 10 });
    const movedId = await lab.proxyId('moved');
    const movedRules = rulesOf(await lab.table(), `p${movedId}_`);
    supervisor.signal('SIGKILL');
    await supervisor.waitForExit();
    supervisor.removeProxy('gone.yaml');
    supervisor.writeProxy('moved.yaml', yaml('moved', 25643, weights(b!)));
    supervisor.writeProxy('reshaped.yaml', yaml('reshaped', 25642, '  algorithm: ip-hash\n'));
    assert.deepEqual(await who(25640, 4), { [`${a}:35565`]: 2, [`${b}:35565`]: 2 }, 'the kernel forwards the old files while RouteX is down');

    supervisor = await supervisor.restart({ waitForRunning: ['moved', 'reshaped'] });
    const table = await lab.table();
    await assert.rejects(lab.proxyId('gone'), /no admit chain of proxy gone/, 'the removed proxy\'s chains are gone');
    assert.equal(await lab.connect(25640), 'refused');
    assert.equal(await lab.proxyId('moved'), movedId);
    assert.deepEqual(rulesOf(table, `p${movedId}_`), movedRules, 'the re-weighted proxy was adopted: same rules, same handles');
    assert.equal(await lab.connect(25641), 'refused', 'its old port left the dispatch map');
    assert.deepEqual(await who(25643), { [`${a}:35565`]: 10, [`${b}:35565`]: 30 });
    assert.deepEqual(Object.values(await who(25642, 20)), [20], 'the reshaped proxy hashes the client to one target');

    const listing = await lab.nft(['list', 'table', 'inet', 'routex']);
    assert.deepEqual(listing.match(/comment "proxy=[a-z]+ /g)?.sort(), ['comment "proxy=moved ', 'comment "proxy=reshaped '], 'one admit chain per proxy');
    assert.equal(listing.match(/goto p\d+_admit/g)?.length, 2, 'one origin element per proxy: the old port\'s is gone');
  });
});
