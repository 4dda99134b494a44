import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descriptorsExhausted, FdMonitor, parseOpenFilesLimit } from '../../../proxy-worker/runtime/fd-monitor.js';
import type { WorkerLogger } from '../../../proxy-worker/runtime/worker-logger.js';

const LIMITS = (soft: string, hard = soft): string =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     \n`;

test('the soft open-files limit is read from /proc/<pid>/limits; unlimited is 0', () => {
  assert.equal(parseOpenFilesLimit(LIMITS('1024', '524288')), 1024);
  assert.equal(parseOpenFilesLimit(LIMITS('unlimited')), 0);
  assert.equal(parseOpenFilesLimit('nothing here'), 0);
});

test('out of descriptors at the limit less the one libuv keeps in reserve', () => {
  assert.equal(descriptorsExhausted(62, 64), false);
  assert.equal(descriptorsExhausted(63, 64), true);
  assert.equal(descriptorsExhausted(64, 64), true);
  assert.equal(descriptorsExhausted(100_000, 0), false, 'no limit known');
});

test('a sample at the limit is counted each time and logged once per window, with how often', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-fd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const limits = path.join(dir, 'limits');
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger = { log: (level: string, message: string, fields: Record<string, unknown>) => lines.push({ level, message, fields }) } as unknown as WorkerLogger;
  const counters = { openFds: 0, fdLimit: 0, fdExhausted: 0 };
  const monitor = new FdMonitor(counters, logger, { fdDir: '/proc/self/fd', limits });

  writeFileSync(limits, LIMITS('65536'));
  await monitor.sample();
  const open = readdirSync('/proc/self/fd').length;
  assert.ok(Math.abs(counters.openFds - open) <= 2, `${counters.openFds} open, ${open} listed`);
  assert.deepEqual([counters.fdLimit, counters.fdExhausted, lines.length], [65536, 0, 0]);

  writeFileSync(limits, LIMITS(String(counters.openFds)));
  await monitor.sample();
  await monitor.sample();
  monitor.socketFailed(Object.assign(new Error('connect EMFILE'), { code: 'EMFILE' }));
  monitor.socketFailed(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  assert.equal(counters.fdExhausted, 3);
  assert.equal(lines.length, 1, 'once per window');
  assert.deepEqual([lines[0]!.level, lines[0]!.message, lines[0]!.fields['occurrences'], lines[0]!.fields['fdLimit']], ['error', 'file descriptors exhausted, new connections are reset', 1, counters.openFds]);
});
