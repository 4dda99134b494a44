import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BandwidthConfig } from '../../../shared/config/resolved-types.js';
import { BandwidthManager, type MeteredProxy } from '../../../supervisor/bandwidth/bandwidth-manager.js';
import { StateStore } from '../../../supervisor/store/state-store.js';

const MB = 1024 * 1024;
const NY = 'America/New_York';

class FakeClock {
  constructor(public ms: number) {}
  now = (): number => this.ms;
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

class FakeProxy implements MeteredProxy {
  stats = { totals: { bytesIn: 0, bytesOut: 0 } };
  suspendedReason: string | null = null;
  readonly calls: (string | null)[] = [];
  config: { bandwidth: BandwidthConfig };
  constructor(
    readonly name: string,
    bandwidth: Partial<BandwidthConfig> = {},
  ) {
    this.config = { bandwidth: { enabled: true, scope: 'node', hourlyLimit: 0, dailyLimit: 0, weeklyLimit: 0, monthlyLimit: 0, suspendOnLimit: true, ...bandwidth } };
  }
  setSuspended(reason: string | null): void {
    if (reason !== this.suspendedReason) this.calls.push(reason);
    this.suspendedReason = reason;
  }
  traffic(bytesIn: number, bytesOut = 0): void {
    this.stats.totals.bytesIn += bytesIn;
    this.stats.totals.bytesOut += bytesOut;
  }
}

class Logs {
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  info = (message: string, fields: Record<string, unknown> = {}): void => void this.lines.push({ level: 'info', message, fields });
  warn = (message: string, fields: Record<string, unknown> = {}): void => void this.lines.push({ level: 'warn', message, fields });
  error = (message: string, fields: Record<string, unknown> = {}): void => void this.lines.push({ level: 'error', message, fields });
  debug = (): void => undefined;
  find(message: string) {
    return this.lines.filter((l) => l.message === message);
  }
}

function world(t: TestContext, proxies: FakeProxy[], startIso: string, zone = NY) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-bw-'));
  const file = path.join(dir, 'state.db');
  const stores: StateStore[] = [];
  t.after(() => {
    for (const s of stores) s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new FakeClock(Date.parse(startIso));
  const logs = new Logs();
  const open = (list = proxies) => {
    const store = StateStore.open(file, logs);
    stores.push(store);
    return new BandwidthManager({ list: () => list }, store.bandwidth, () => zone, logs, clock);
  };
  return { clock, logs, open, file, closeAll: () => stores.forEach((s) => s.close()) };
}

test('a 1 MB daily limit suspends at 2 MB and lifts by itself past midnight in New York', (t) => {
  const proxy = new FakeProxy('mc', { dailyLimit: MB });
  const { clock, logs, open } = world(t, [proxy], '2026-06-17T03:00:00Z'); // Tuesday 23:00 local
  const manager = open();
  manager.tick();
  proxy.traffic(MB, MB);
  clock.ms += 1000;
  manager.tick();
  assert.match(proxy.suspendedReason ?? '', /daily limit of 1048576 bytes/);
  const suspended = logs.find('proxy suspended, bandwidth limit reached');
  assert.equal(suspended.length, 1);
  assert.deepEqual([suspended[0]!.fields.period, suspended[0]!.fields.usedBytes, suspended[0]!.fields.limitBytes], ['daily', 2 * MB, MB]);
  assert.equal(suspended[0]!.fields.until, '2026-06-17T00:00:00.000-04:00');
  const usage = manager.usage(proxy);
  assert.equal(usage.suspension?.untilMs, Date.parse('2026-06-17T04:00:00Z'));

  clock.set('2026-06-17T03:59:59Z');
  manager.tick();
  assert.notEqual(proxy.suspendedReason, null, 'still suspended at 23:59:59 local');
  clock.set('2026-06-17T04:00:00Z'); // Wednesday midnight in New York
  manager.tick();
  assert.equal(proxy.suspendedReason, null);
  assert.deepEqual(proxy.calls.map((c) => c !== null), [true, false]);
  const resumed = logs.find('proxy resumed, bandwidth quota available again');
  assert.equal(resumed.length, 1);
  assert.equal(resumed[0]!.fields.cause, 'period ended');
  assert.equal(manager.usage(proxy).usage.daily.bytesIn, 0);
  assert.equal(manager.usage(proxy).usage.weekly.bytesIn, MB, 'the week goes on');
});

test('usage is in the database: a new manager on the same file suspends at once', (t) => {
  const proxy = new FakeProxy('mc', { dailyLimit: MB });
  const { clock, open, closeAll } = world(t, [proxy], '2026-06-15T12:00:00Z');
  const first = open();
  proxy.traffic(2 * MB);
  first.tick();
  closeAll();
  // A restarted supervisor: new stats (from 0), new manager, same file.
  const fresh = new FakeProxy('mc', { dailyLimit: MB });
  clock.ms += 60_000;
  const second = open([fresh]);
  second.enforceAll();
  assert.notEqual(fresh.suspendedReason, null);
  assert.equal(second.usage(fresh).usage.daily.bytesIn, 2 * MB);
  assert.equal(second.retained('mc').bytesIn, 2 * MB);
});

test('suspend_on_limit: false reports the used-up limit once per period and never suspends', (t) => {
  const proxy = new FakeProxy('mc', { hourlyLimit: 1000, suspendOnLimit: false });
  const { clock, logs, open } = world(t, [proxy], '2026-06-15T12:00:00Z');
  const manager = open();
  for (let i = 0; i < 5; i++) {
    proxy.traffic(600);
    clock.ms += 1000;
    manager.tick();
  }
  assert.equal(proxy.suspendedReason, null);
  assert.equal(logs.find('bandwidth limit reached, not suspending (suspend_on_limit: false)').length, 1);
  assert.deepEqual(manager.usage(proxy).exceeded.map((e) => e.period), ['hourly']);
  clock.set('2026-06-15T13:00:01Z');
  proxy.traffic(1500);
  manager.tick();
  assert.equal(logs.find('bandwidth limit reached, not suspending (suspend_on_limit: false)').length, 2, 'again in the next hour');
});

test('usage is tracked without limits and with bandwidth.enabled false, and nothing is suspended', (t) => {
  const unlimited = new FakeProxy('a');
  const off = new FakeProxy('b', { enabled: false, dailyLimit: 10 });
  const { clock, open } = world(t, [unlimited, off], '2026-06-15T12:00:00Z');
  const manager = open();
  unlimited.traffic(5000, 7000);
  off.traffic(100, 0);
  clock.ms += 1000;
  manager.tick();
  assert.equal(manager.usage(unlimited).usage.monthly.bytesOut, 7000);
  assert.equal(manager.usage(off).usage.daily.bytesIn, 100);
  assert.equal(unlimited.suspendedReason, null);
  assert.equal(off.suspendedReason, null);
});

test('reset zeroes the current periods, lifts the suspension and keeps older months', async (t) => {
  const proxy = new FakeProxy('mc', { weeklyLimit: MB });
  const { clock, logs, open } = world(t, [proxy], '2026-05-20T12:00:00Z');
  const manager = open();
  proxy.traffic(3000);
  manager.tick();
  clock.set('2026-06-10T12:00:00Z');
  proxy.traffic(2 * MB);
  manager.tick();
  assert.notEqual(proxy.suspendedReason, null);
  const { fromMs } = await manager.reset(proxy, 'admin');
  assert.equal(new Date(fromMs).toISOString(), '2026-06-01T04:00:00.000Z', 'June 1st is earlier than Monday June 8th');
  assert.equal(proxy.suspendedReason, null);
  assert.equal(manager.usage(proxy).usage.weekly.bytesIn, 0);
  assert.equal(manager.retained('mc').bytesIn, 3000, 'May is kept');
  assert.equal(logs.find('proxy resumed, bandwidth quota available again')[0]?.fields.cause, 'usage reset');
  proxy.traffic(10);
  clock.ms += 1000;
  manager.tick();
  assert.equal(manager.usage(proxy).usage.hourly.bytesIn, 10);
});

test('the hourly limit in a +5:30 zone counts from :30 UTC exactly', (t) => {
  const proxy = new FakeProxy('mc', { hourlyLimit: 1000 });
  const { clock, open } = world(t, [proxy], '2026-06-15T11:29:00Z', 'Asia/Kolkata');
  const manager = open();
  proxy.traffic(900);
  manager.tick();
  clock.set('2026-06-15T11:30:00Z'); // 17:00 in India: a new hour
  proxy.traffic(500);
  manager.tick();
  assert.equal(manager.usage(proxy).usage.hourly.bytesIn, 500);
  assert.equal(manager.usage(proxy).usage.daily.bytesIn, 1400);
  assert.equal(proxy.suspendedReason, null);
});

test('raising the limit lifts a suspension at the next check', (t) => {
  const proxy = new FakeProxy('mc', { dailyLimit: MB });
  const { logs, open } = world(t, [proxy], '2026-06-15T12:00:00Z');
  const manager = open();
  proxy.traffic(MB);
  manager.tick();
  assert.notEqual(proxy.suspendedReason, null);
  proxy.config = { bandwidth: { ...proxy.config.bandwidth, dailyLimit: 10 * MB } };
  manager.tick();
  assert.equal(proxy.suspendedReason, null);
  assert.equal(logs.find('proxy resumed, bandwidth quota available again')[0]?.fields.cause, 'limit raised');
});

test('buckets older than 32 days are pruned', (t) => {
  const proxy = new FakeProxy('mc');
  const { clock, open } = world(t, [proxy], '2026-01-01T00:00:00Z');
  const manager = open();
  proxy.traffic(123);
  manager.tick();
  clock.set('2026-02-03T00:00:00Z');
  manager.tick();
  assert.equal(manager.retained('mc').bytesIn, 0);
});
