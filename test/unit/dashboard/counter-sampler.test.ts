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
    proxies: [{ proxy: 'lobby', values: { bytes_in: bytesIn, active_connections: 3, total_connections: 10, ...extra }, upstreams: [], bandwidth: [], iptables: [] }],
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
