// Cluster-wide bandwidth usage: for each proxy with `bandwidth.scope: cluster`, one Redis hash per
// quota period (this hour, day, week, month in the configured zone), holding every node's bytes.
// Each second the bandwidth manager hands over what this node counted and asks for a sync: one
// script call per proxy adds it (see usage-script.ts), and the current counters are read back.
// While Redis is away the bytes wait in a bounded buffer and the quota is checked against the
// last reading plus them; when Redis is back they are added, once.
import type { SharedUsage, SharedUsageView } from '../bandwidth/shared-usage.js';
import { ClusterUnavailableError } from '../bandwidth/shared-usage.js';
import type { UsageByPeriod } from '../bandwidth/quota-check.js';
import { PERIODS, periodWindows, type Period } from '../bandwidth/quota-periods.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { ClusterIdentity } from './redis-ban-store.js';
import type { LinkLogger, RedisLink } from './redis-link.js';
import { UsageBuffer } from './usage-buffer.js';
import { addUsage, defineUsageScript, nodesOf, type CounterIncrement, type NodeBytes } from './usage-script.js';

/** A counter stays in Redis one day past its period, then expires by itself. */
const KEPT_AFTER_PERIOD_MS = 24 * 3_600_000;
/** Unsent entries (one per proxy per quarter-hour): a week of outage for 20 cluster proxies. */
export const DEFAULT_BUFFER_ENTRIES = 20_000;

/** One flush of a proxy that Redis has not confirmed yet: sent again, with the same seq, until it is. */
interface Flush {
  seq: number;
  increments: CounterIncrement[];
  /** Bytes in it (each byte is in four counters: hour, day, week, month). */
  bytes: number;
}

export class ClusterUsage implements SharedUsage {
  private readonly buffer: UsageBuffer;
  private readonly unconfirmed = new Map<string, Flush>();
  /** The last reading of each counter (by key), every node's bytes. */
  private readings = new Map<string, Map<string, NodeBytes>>();
  private seq = 0;
  private running: Promise<void> | null = null;
  private overflowReported = false;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly identity: ClusterIdentity,
    private readonly logger: LinkLogger,
    maxEntries = DEFAULT_BUFFER_ENTRIES,
  ) {
    this.buffer = new UsageBuffer(maxEntries);
    defineUsageScript(link.commands);
    link.onUp(async () => void (this.overflowReported = false));
  }

  /** Entries and bytes not yet confirmed by Redis. */
  pending(): { entries: number; bytes: number } {
    let entries = this.buffer.size;
    let bytes = this.buffer.bytes;
    for (const flush of this.unconfirmed.values()) {
      entries += flush.increments.length;
      bytes += flush.bytes;
    }
    return { entries, bytes };
  }

  add(proxy: string, bucketMs: number, bytesIn: number, bytesOut: number): void {
    this.buffer.add(proxy, bucketMs, bytesIn, bytesOut);
    const dropped = this.buffer.takeDropped();
    if (dropped > 0 && !this.overflowReported) {
      this.overflowReported = true;
      this.logger.error('cluster usage buffer full: the oldest unsent usage was dropped', { maxEntries: this.buffer.maxEntries, droppedBytes: dropped });
    }
  }

  usage(proxy: string, nowMs: number, zone: string): SharedUsageView {
    const windows = periodWindows(nowMs, zone);
    const usage = {} as UsageByPeriod;
    const nodes: Record<string, Record<Period, number>> = {};
    const count = (node: string, period: Period, bytes: number): void => {
      nodes[node] ??= { hourly: 0, daily: 0, weekly: 0, monthly: 0 };
      nodes[node][period] += bytes;
    };
    for (const period of PERIODS) {
      const window = windows[period];
      const key = this.keys.usage(proxy, period, window.startMs);
      let bytesIn = 0;
      let bytesOut = 0;
      for (const [node, bytes] of this.readings.get(key) ?? []) {
        bytesIn += bytes.bytesIn;
        bytesOut += bytes.bytesOut;
        count(node, period, bytes.bytesIn + bytes.bytesOut);
      }
      const unsent = this.unsent(proxy, key, window.startMs, window.endMs);
      bytesIn += unsent.bytesIn;
      bytesOut += unsent.bytesOut;
      if (unsent.bytesIn + unsent.bytesOut > 0) count(this.identity.node, period, unsent.bytesIn + unsent.bytesOut);
      usage[period] = { window, bytesIn, bytesOut };
    }
    return { usage, nodes };
  }

  sync(proxies: string[], nowMs: number, zone: string): Promise<void> {
    if (!this.link.connected || this.running !== null) return this.running ?? Promise.resolve();
    this.running = this.exchange(proxies, nowMs, zone).finally(() => (this.running = null));
    return this.running;
  }

  async reset(proxy: string, nowMs: number, zone: string): Promise<void> {
    await this.running;
    if (!this.link.connected) throw new ClusterUnavailableError('the cluster\'s redis is unreachable: a cluster-wide quota can only be reset while it is connected');
    const keys = Object.values(periodWindows(nowMs, zone)).map((w) => this.keys.usage(proxy, w.period, w.startMs));
    await this.link.commands.del(...keys);
    // What this node has not sent yet happened before the reset: it is erased too.
    this.buffer.take(proxy);
    this.unconfirmed.delete(proxy);
    for (const key of keys) this.readings.delete(key);
  }

  /** Every proxy's unconfirmed or new bytes in, then the current counters of `proxies` out, in one round trip. */
  private async exchange(proxies: string[], nowMs: number, zone: string): Promise<void> {
    const pipeline = this.link.commands.pipeline();
    const sent: [string, Flush][] = [];
    for (const proxy of new Set([...this.unconfirmed.keys(), ...this.buffer.proxies()])) {
      let flush = this.unconfirmed.get(proxy);
      if (flush === undefined) this.unconfirmed.set(proxy, (flush = this.flushOf(proxy, zone)));
      addUsage(pipeline, this.identity.node, this.identity.instance, flush.seq, flush.increments);
      sent.push([proxy, flush]);
    }
    const read: string[] = [];
    for (const proxy of proxies) {
      for (const window of Object.values(periodWindows(nowMs, zone))) {
        const key = this.keys.usage(proxy, window.period, window.startMs);
        read.push(key);
        pipeline.hgetall(key);
      }
    }
    if (sent.length === 0 && read.length === 0) return;
    let results: [Error | null, unknown][];
    try {
      results = (await pipeline.exec()) ?? [];
    } catch {
      return; // the link reports the outage; everything unconfirmed is sent again
    }
    sent.forEach(([proxy, flush], i) => {
      if (results[i]?.[0] === null && this.unconfirmed.get(proxy) === flush) this.unconfirmed.delete(proxy);
    });
    const readings = new Map<string, Map<string, NodeBytes>>();
    read.forEach((key, j) => {
      const [error, hash] = results[sent.length + j] ?? [new Error('no reply'), null];
      if (error === null) readings.set(key, nodesOf(hash as Record<string, string>));
      else if (this.readings.has(key)) readings.set(key, this.readings.get(key)!);
    });
    this.readings = readings;
  }

  /** The proxy's buffered bytes as one flush: each bucket added to the four periods it falls in. */
  private flushOf(proxy: string, zone: string): Flush {
    const increments = new Map<string, CounterIncrement>();
    let bytes = 0;
    for (const entry of this.buffer.take(proxy)) {
      bytes += entry.bytesIn + entry.bytesOut;
      for (const window of Object.values(periodWindows(entry.bucketMs, zone))) {
        const key = this.keys.usage(proxy, window.period, window.startMs);
        const increment = increments.get(key) ?? { key, bytesIn: 0, bytesOut: 0, expireAtMs: window.endMs + KEPT_AFTER_PERIOD_MS };
        increment.bytesIn += entry.bytesIn;
        increment.bytesOut += entry.bytesOut;
        increments.set(key, increment);
      }
    }
    return { seq: ++this.seq, increments: [...increments.values()], bytes };
  }

  /** This node's bytes for the counter `key` that Redis has not confirmed yet. */
  private unsent(proxy: string, key: string, startMs: number, endMs: number): { bytesIn: number; bytesOut: number } {
    let bytesIn = 0;
    let bytesOut = 0;
    for (const i of this.unconfirmed.get(proxy)?.increments ?? []) {
      if (i.key !== key) continue;
      bytesIn += i.bytesIn;
      bytesOut += i.bytesOut;
    }
    for (const entry of this.buffer.of(proxy)) {
      if (entry.bucketMs < startMs || entry.bucketMs >= endMs) continue;
      bytesIn += entry.bytesIn;
      bytesOut += entry.bytesOut;
    }
    return { bytesIn, bytesOut };
  }
}
