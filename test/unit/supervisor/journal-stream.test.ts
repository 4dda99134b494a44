import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogFormat } from '../../../supervisor/logging/log-transport.js';
import { isJournalStream, parseJournalStream, withPriority } from '../../../supervisor/logging/journal-stream.js';

test('JOURNAL_STREAM is parsed as device:inode, anything else is not a journal', () => {
  assert.deepEqual(parseJournalStream('8:123456'), { dev: 8n, ino: 123456n });
  assert.deepEqual(parseJournalStream('18446744073709551615:1'), { dev: 18446744073709551615n, ino: 1n });
  for (const value of [undefined, '', '8', '8:', ':1', 'a:b', '8:1:2', '-1:2']) assert.equal(parseJournalStream(value), undefined, String(value));
});

test('a file descriptor is the journal only when its device and inode are the ones named', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-journal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fd = openSync(path.join(dir, 'stream'), 'w');
  const other = openSync(path.join(dir, 'other'), 'w');
  t.after(() => {
    closeSync(fd);
    closeSync(other);
  });
  const stat = fstatSync(fd, { bigint: true });
  const env = { JOURNAL_STREAM: `${stat.dev}:${stat.ino}` };
  assert.equal(isJournalStream(fd, env), true);
  assert.equal(isJournalStream(other, env), false, 'another file on the same device');
  assert.equal(isJournalStream(fd, {}), false);
  assert.equal(isJournalStream(9999, env), false, 'a closed descriptor');
});

test('every line of a record gets the priority prefix', () => {
  assert.equal(withPriority('error', '{"level":"error"}\n'), '<3>{"level":"error"}\n');
  assert.equal(withPriority('warn', 'a\nb\n'), '<4>a\n<4>b\n');
  assert.equal(withPriority('info', 'x'), '<6>x');
  assert.equal(withPriority('debug', 'x\n'), '<7>x\n');
});

test('the prefix goes in front of the finished line, JSON or text', () => {
  const render = (format: 'json' | 'text', journal: boolean): string => {
    const info = createLogFormat(format, journal).transform({ level: 'warn', message: 'upstream ejected', proxy: 'mc' }) as Record<symbol, string>;
    return info[Symbol.for('message')]!;
  };
  assert.match(render('json', true), /^<4>\{"level":"warn","message":"upstream ejected","proxy":"mc","timestamp":"[^"]+"\}$/);
  assert.match(render('text', true), /^<4>\S+Z WARN {2}\[mc\] upstream ejected$/);
  assert.match(render('json', false), /^\{/);
  assert.match(render('text', false), /^\d{4}-/);
});
