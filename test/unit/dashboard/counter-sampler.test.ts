import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterSampler } from '../../../supervisor/events/counter-sampler.js';
import type { MetricsModel } from '../../../supervisor/metrics/metrics-model.js';
import { entriesOf } from '../../../shared/counters/counters.js';
import type { ProxyController } from '../../../supervisor/workers/proxy-controller.js';

function model(atMs: number, bytesIn: number, extra: Record<string, number> = {}): MetricsModel {
  return {
    atMs,
    supervisor: { proxy_count: 1, proxies_running: 1 },
    proxies: [{ proxy: 'lobby', values: { bytes_in: bytesIn, active_connections: 3, total_connections: 10, ...extra }, upstreams: [], bandwidth: [], iptables: [], l7Reasons: [], l7Events: [] }],
  };
}

const controller = { name: 'lobby', state: 'running', restarts: 2, runningWorker: { pid: 4242 } } as unknown as ProxyController;

test('rates are the change per second between samples, 0 in the first one, never negative', () => {
  const readings = [model(1000, 100), model(3000, 2100), model(4000, 50)];
  const sampler = new CounterSampler(() => readings.shift()!, () => [controller], 60_000);
  const first = sampler.latest();
  assert.equal(first.proxies[0]!.perSecond.bytes_in, 0);
  assert.deepEqual([first.proxies[0]!.state, first.proxies[0]!.pid, first.proxies[0]!.restarts], ['running', 4242, 2]);
  const off = sampler.subscribe(() => undefined);
  (sampler as unknown as { tick(): void }).tick();
  const second = sampler.latest();
  assert.equal(second.proxies[0]!.perSecond.bytes_in, 1000, '2000 bytes in 2 s');
  assert.equal(second.totals.perSecond.bytes_in, 1000);
  assert.equal(second.proxies[0]!.values.active_connections, 3, 'levels pass through');
  (sampler as unknown as { tick(): void }).tick();
  assert.equal(sampler.latest().proxies[0]!.perSecond.bytes_in, 0, 'a counter that went down (proxy re-created) is no negative rate');
  off();
});

test('every counter-kind proxy value of the counter table gets a rate, and no gauge does', () => {
  const sampler = new CounterSampler(() => model(1000, 0), () => [controller], 60_000);
  const rates = Object.keys(sampler.latest().proxies[0]!.perSecond).sort();
  const counters = entriesOf('proxy').filter((e) => e.spec.kind === 'counter').map((e) => e.spec.key).sort();
  assert.deepEqual(rates, counters);
  assert.ok(!rates.includes('active_connections'));
});

test('the sampler ticks only while someone listens', async () => {
  let readings = 0;
  const sampler = new CounterSampler(() => (readings++, model(Date.now(), 0)), () => [controller], 20);
  const seen: number[] = [];
  const off = sampler.subscribe((s) => seen.push(s.proxies.length));
  const deadline = Date.now() + 2000;
  while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  off();
  assert.ok(seen.length >= 2);
  const after = readings;
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(readings, after, 'no reading once the last listener left');
});

test('kernel drops per rule kind ride along with their own rates', () => {
  const drops = (packets: number) => [{ kind: 'syn_rate', values: { dropped_packets: packets, dropped_bytes: packets * 60 } }];
  const readings = [1000, 3000].map((atMs, i) => ({ ...model(atMs, 0), proxies: [{ ...model(atMs, 0).proxies[0]!, iptables: drops(i * 400) }] }));
  const sampler = new CounterSampler(() => readings.shift()!, () => [controller], 60_000);
  assert.deepEqual(sampler.latest().proxies[0]!.iptables, [{ kind: 'syn_rate', values: { dropped_packets: 0, dropped_bytes: 0 }, perSecond: { dropped_packets: 0, dropped_bytes: 0 } }]);
  const off = sampler.subscribe(() => undefined);
  (sampler as unknown as { tick(): void }).tick();
  assert.deepEqual(sampler.latest().proxies[0]!.iptables[0]!.perSecond, { dropped_packets: 200, dropped_bytes: 12_000 }, '400 packets in 2 s');
  off();
});

test('the kernel counters are refreshed once per snapshot while someone listens, never two reads at once', async () => {
  let reads = 0;
  let inFlight = 0;
  let overlapped = false;
  const refresh = async (): Promise<void> => {
    reads++;
    inFlight++;
    overlapped ||= inFlight > 1;
    // A kernel read slower than the interval: ticks go on, reads do not pile up.
    await new Promise((resolve) => setTimeout(resolve, 50));
    inFlight--;
  };
  const sampler = new CounterSampler(() => model(Date.now(), 0), () => [controller], 10, refresh);
  assert.equal(reads, 0, 'no read before anyone listens');
  const snapshots: number[] = [];
  const off = sampler.subscribe(() => snapshots.push(1));
  const deadline = Date.now() + 2000;
  while (snapshots.length < 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  off();
  assert.ok(snapshots.length >= 10, 'a slow read does not hold the snapshots back');
  assert.ok(reads >= 1 && reads < snapshots.length, `${reads} reads for ${snapshots.length} snapshots`);
  assert.equal(overlapped, false);
  await new Promise((resolve) => setTimeout(resolve, 80));
  const after = reads;
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(reads, after, 'no read once the last listener left');
});
