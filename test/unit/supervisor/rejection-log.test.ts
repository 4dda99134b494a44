import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigRejectionLog, escapeForLog, MAX_LOGGED_PROBLEMS } from '../../../supervisor/config/rejection-log.js';
import type { Logger } from '../../../supervisor/logging/logger.js';

function recordingLogger(): { logger: Logger; lines: { level: string; message: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger = {
    warn: (message: string, fields: Record<string, unknown>) => lines.push({ level: 'warn', message, fields }),
    error: (message: string, fields: Record<string, unknown>) => lines.push({ level: 'error', message, fields }),
  } as unknown as Logger;
  return { logger, lines };
}

const owner = () => ({ proxy: 'p', keeps: null });

test('control characters, lone surrogates and line separators are escaped; long text is cut', () => {
  assert.equal(escapeForLog('a\u001b[31mb\u0000\n\u2028'), 'a\\u001b[31mb\\u0000\\u000a\\u2028');
  assert.equal(escapeForLog('x\ud800y\udfffz \u{1F600}'), 'x\\ud800y\\udfffz \u{1F600}');
  assert.equal(escapeForLog('é'.repeat(400)), `${'é'.repeat(300)}…`);
});

test('a file that stays broken is logged once; a new content or a new problem is logged again', () => {
  const { logger, lines } = recordingLogger();
  const log = new ConfigRejectionLog(logger);
  const broken = { file: '/p/b.yaml', text: 'x', issues: [{ file: '/p/b.yaml', path: 'protocol', message: 'must be one of: tcp, udp, tcp-udp' }], warnings: [] };
  for (let i = 0; i < 5; i++) log.record([broken], owner);
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0], { level: 'error', message: 'config rejected', fields: { proxy: 'p', file: '/p/b.yaml', problem: '/p/b.yaml: protocol: must be one of: tcp, udp, tcp-udp', keeps: null } });
  log.record([{ ...broken, text: 'y' }], owner);
  assert.equal(lines.length, 2);
  log.record([{ ...broken, text: 'y', issues: [] }], owner);
  log.record([{ ...broken, text: 'y' }], owner);
  assert.equal(lines.length, 3, 'fixed, then broken again: logged again');
});

test('at most a few lines per file, the rest counted', () => {
  const { logger, lines } = recordingLogger();
  const issues = Array.from({ length: 50 }, (_, i) => ({ file: 'f', path: `k${i}`, message: 'unknown key' }));
  new ConfigRejectionLog(logger).record([{ file: 'f', text: 't', issues, warnings: [] }], owner);
  assert.equal(lines.length, MAX_LOGGED_PROBLEMS + 1);
  assert.match(String(lines.at(-1)!.fields['problem']), /^45 more problems: /);
});
