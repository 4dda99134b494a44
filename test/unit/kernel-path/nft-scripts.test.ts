import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseScript } from '../../../supervisor/kernel-path/base-script.js';
import { planOf } from '../../../supervisor/kernel-path/kernel-plan.js';
import { TABLE_REF } from '../../../supervisor/kernel-path/nft-names.js';
import { addAllScript, aclElements, admissionElements, diffScript, dispatchElements, slotElements, type ElementState } from '../../../supervisor/kernel-path/proxy-elements.js';
import { createProxyScript, deleteProxyScript, slotSelector } from '../../../supervisor/kernel-path/proxy-script.js';
import { validProxy } from '../config/config-fixtures.js';
import { nftSandboxUnavailable, runInSandbox } from '../../helpers/nft-sandbox.js';
import { failOnMissing, skipOutsideCi } from '../../helpers/system-tools.js';

const sandbox = nftSandboxUnavailable();

const fanOut = () => planOf(validProxy({ data_path: 'kernel', 'origin-ip': '0.0.0.0', 'origin-port': '25565', 'dest-ip': '10.0.0.1, 10.0.0.2', 'dest-port': 35565, protocol: 'tcp-udp', load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.1': 3 } } }), 3);
const oneToOne = () => planOf(validProxy({ name: 'mc', data_path: 'kernel', 'origin-ip': '192.0.2.10', 'origin-port': '25565:25567', 'dest-ip': '10.0.0.1, 10.0.0.2', 'dest-port': '35565:35567', 'one-to-one': true, protocol: 'udp', load_balancing: { algorithm: 'ip-hash' } }), 7);
const ipv6 = () => planOf(validProxy({ name: 'v6', data_path: 'kernel', 'origin-ip': '::', 'origin-port': 27015, 'dest-ip': 'fd00::1', 'dest-port': 27015, protocol: 'tcp', acl: { enabled: true, default_action: 'deny', rules: [{ action: 'allow', cidr: '2001:db8::/32' }] } }), 9);

function everything(plan: ReturnType<typeof planOf>): ElementState {
  const state = dispatchElements(plan);
  state.set(plan.objects.slots, slotElements(plan, new Map()));
  state.set(plan.objects.aclProxy, aclElements(validProxyAcl(plan), plan).elements);
  admissionElements(plan, true, state);
  return state;
}

function validProxyAcl(plan: ReturnType<typeof planOf>) {
  return { enabled: true, defaultAction: 'allow' as const, closeExistingOnDeny: false, rules: [{ action: 'deny' as const, cidr: plan.family === 4 ? '203.0.113.0/24' : '2001:db8::/32', comment: '' }] };
}

describe('kernel nft scripts', () => {
  it('picks a slot by numgen, jhash of the source, or port and slot in one-to-one', () => {
    assert.equal(slotSelector(fanOut()), 'numgen inc mod 720');
    assert.match(slotSelector(oneToOne()), /^th dport \. jhash ip saddr mod 60 seed 0x[0-9a-f]{8}$/);
  });

  it('a one-to-one proxy has one slot group per origin port, wildcard origins go to the local-address map', () => {
    const plan = oneToOne();
    const slots = slotElements(plan, new Map([['10.0.0.2:35566', false]]));
    assert.equal(slots.size, 3 * 60);
    assert.equal(slots.get('25566 . 0'), '10.0.0.1 . 35566');
    assert.equal([...slots].filter(([key, value]) => key.startsWith('25566 ') && value.startsWith('10.0.0.2')).length, 0);
    assert.deepEqual([...dispatchElements(fanOut()).get('wildcard4')!.keys()], ['tcp . 25565', 'udp . 25565']);
    assert.deepEqual([...dispatchElements(plan).get('origins4')!], [0, 1, 2].map((k) => [`192.0.2.10 . udp . ${25565 + k}`, 'goto p7_admit']));
  });

  it('a weight change is element deletes and adds only', () => {
    const plan = fanOut();
    const before = new Map([[plan.objects.slots, slotElements(plan, new Map())]]);
    const reweighted = planOf(validProxy({ data_path: 'kernel', 'origin-ip': '0.0.0.0', 'origin-port': '25565', 'dest-ip': '10.0.0.1, 10.0.0.2', 'dest-port': 35565, protocol: 'tcp-udp', load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.1': 1 } } }), 3);
    assert.equal(reweighted.layout, plan.layout);
    const script = diffScript(TABLE_REF, before, new Map([[plan.objects.slots, slotElements(reweighted, new Map())]]));
    assert.ok(script.length > 0);
    for (const line of script) assert.match(line, /^(delete|add) element inet routex p3_slots \{/);
  });

  it('the layout changes when the rules must: algorithm, one-to-one, family, slot count', () => {
    assert.notEqual(fanOut().layout, oneToOne().layout);
    assert.match(ipv6().layout, /ip6/);
  });

  it('nft accepts the table, each kind of proxy, its elements, updates and removal', { skip: skipOutsideCi(sandbox) }, () => {
    failOnMissing(sandbox);
    const plans = [fanOut(), oneToOne(), ipv6()];
    const all = new Map<string, Map<string, string>>();
    for (const plan of plans) for (const [name, elements] of everything(plan)) all.set(name, new Map([...(all.get(name) ?? []), ...elements]));
    const removal = diffScript(TABLE_REF, dispatchElements(plans[1]!), new Map());
    const result = runInSandbox(
      [
        { script: baseScript() },
        { script: plans.flatMap(createProxyScript) },
        { script: addAllScript(TABLE_REF, all) },
        { script: baseScript() },
        { script: [...removal, ...deleteProxyScript(plans[1]!.objects)], check: true },
      ],
      ['-j', 'list', 'table', TABLE_REF],
    );
    assert.equal(result.status, 0, result.stderr);
    const listed = JSON.parse(result.stdout) as { nftables: { rule?: { chain: string } }[] };
    const rulesIn = (chain: string) => listed.nftables.filter((item) => item.rule?.chain === chain).length;
    assert.equal(rulesIn('prerouting_filter'), 2, 'the base rules were written twice but exist once');
    assert.equal(rulesIn('p3_admit'), 8);
  });
});
