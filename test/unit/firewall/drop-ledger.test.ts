import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DropLedger } from '../../../supervisor/firewall/drop-ledger.js';
import type { KernelRule } from '../../../supervisor/firewall/kernel-view.js';
import { NAMING } from './firewall-fixtures.js';

function synRule(backend: 'ipv4' | 'ipv6', packets: number): KernelRule {
  return { backend, chain: 'ROUTEX-mc', kind: 'SynRate', comment: 'RouteX-mc-SynRate-25565', rule: '-A ROUTEX-mc -p tcp --syn -j DROP', packets, bytes: packets * 40 };
}
const jump: KernelRule = { backend: 'ipv4', chain: 'ROUTEX-INPUT', kind: 'Jump', comment: 'RouteX-mc-Jump-25565', rule: '-A ROUTEX-INPUT -j ROUTEX-mc', packets: 9999, bytes: 1 };
const INSTALLED = new Set(['mc']);
const synDrops = (ledger: DropLedger): number => ledger.drops('mc').find((d) => d.kind === 'SynRate')?.packets ?? 0;

test('a replaced rule is counted once: retired at once, out of the last reading until the next one', () => {
  const ledger = new DropLedger();
  ledger.observe(new Map([['mc', [jump, synRule('ipv4', 100)]]]), INSTALLED);
  assert.equal(synDrops(ledger), 100, 'jumps drop nothing and are not counted');
  // The flush finds 150 on the rule as it takes it out; the last reading (100) still holds it.
  ledger.retire(NAMING, 'mc', [synRule('ipv4', 150)]);
  assert.equal(synDrops(ledger), 150, 'not 250');
  ledger.observe(new Map([['mc', [synRule('ipv4', 5)]]]), INSTALLED);
  assert.equal(synDrops(ledger), 155, 'the new rule adds to what the old one dropped');
});

test('retiring one family keeps the other family\'s reading, and the total never goes down', () => {
  const ledger = new DropLedger();
  ledger.observe(new Map([['mc', [synRule('ipv4', 100), synRule('ipv6', 30)]]]), INSTALLED);
  assert.equal(synDrops(ledger), 130);
  ledger.retire(NAMING, 'mc', [synRule('ipv4', 110)]);
  assert.equal(synDrops(ledger), 130, 'ipv4 110 retired + what is left of the reading (ipv6 30, less ipv4\'s 10 since it)');
  ledger.observe(new Map([['mc', [synRule('ipv4', 0), synRule('ipv6', 31)]]]), INSTALLED);
  assert.equal(synDrops(ledger), 141);
});

test('a kernel reading begun before a retirement is ignored: it may still hold the retired rules', () => {
  const ledger = new DropLedger();
  ledger.observe(new Map([['mc', [synRule('ipv4', 100)]]]), INSTALLED);
  const epoch = ledger.epoch;
  ledger.retire(NAMING, 'mc', [synRule('ipv4', 120)]);
  ledger.observe(new Map([['mc', [synRule('ipv4', 120)]]]), INSTALLED, epoch);
  assert.equal(synDrops(ledger), 120, 'the stale reading (the old rule at 120) would count it twice');
  ledger.observe(new Map([['mc', [synRule('ipv4', 3)]]]), INSTALLED, ledger.epoch);
  assert.equal(synDrops(ledger), 123);
});
