import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '../../../supervisor/logging/logger.js';

test('file output rotates at max_size_mb and keeps max_backups old files', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const filePath = path.join(dir, 'routex.log');
  const logger = Logger.create({ level: 'info', format: 'json', output: 'file', filePath, maxSizeMb: 1, maxBackups: 2 });
  const filler = 'x'.repeat(1000);
  for (let i = 0; i < 5000; i++) logger.info('filler line', { i, filler });
  await logger.close();
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 3, `files: ${files.join(', ')}`);
  for (const file of files) assert.ok(statSync(path.join(dir, file)).size <= 1024 * 1024 + 2048, `${file} is larger than 1 MB`);
  const current = readFileSync(filePath, 'utf8').trim().split('\n');
  assert.equal(JSON.parse(current.at(-1)!).i, 4999, 'the newest lines are in routex.log');
});

test('a child logger carries its fields and follows the parent level until it has its own', async () => {
  const lines: string[] = [];
  const { Writable } = await import('node:stream');
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const original = process.stdout.write.bind(process.stdout);
  const logger = Logger.create({ level: 'info', format: 'json', output: 'stdout', filePath: '', maxSizeMb: 1, maxBackups: 1 });
  (process.stdout as unknown as { write: unknown }).write = stream.write.bind(stream);
  try {
    const child = logger.child({ proxy: 'mc' });
    child.debug('hidden');
    child.info('shown', { port: 1 });
    logger.level = 'debug';
    child.debug('now shown');
    const quiet = logger.child({ proxy: 'quiet' }, 'error');
    quiet.warn('hidden too');
  } finally {
    (process.stdout as unknown as { write: unknown }).write = original;
  }
  const records = lines.map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => r.message), ['shown', 'now shown']);
  assert.equal(records[0].proxy, 'mc');
  assert.equal(records[0].port, 1);
  assert.equal(records[0].level, 'info');
});
