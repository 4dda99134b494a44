import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, isErrorCode, statusOf } from '../../../shared/errors/error-codes.js';
import { errorPayload, RoutexError } from '../../../shared/errors/routex-error.js';
import { ERRORS_SECTION, renderErrorReference } from '../../../supervisor/docs/error-reference.js';
import { sectionOf } from '../../../supervisor/docs/readme-section.js';
import { ApiError } from '../../../supervisor/api/api-error.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const REGISTRY_FILE = path.join('shared', 'errors', 'error-codes.ts');
/** The dashboard's browser code: its own program, whose client-side codes (ERR_NETWORK) never leave the page. */
const BROWSER_CODE = path.join('supervisor', 'dashboard', 'web');

function sourceFiles(dir: string): string[] {
  if (dir === BROWSER_CODE) return [];
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return name.endsWith('.ts') ? [relative] : [];
  });
}

/** Every `ERR_…` string literal in the three processes' source, by file. */
function codesInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of ['shared', 'supervisor', 'proxy-worker'].flatMap(sourceFiles)) {
    if (file === REGISTRY_FILE) continue;
    for (const [, code] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/['"`](ERR_[A-Z0-9_]+)['"`]/g)) {
      found.set(code!, [...(found.get(code!) ?? []), file]);
    }
  }
  return found;
}

test('every code the source gives out is in the registry, and every registered code is given out somewhere', () => {
  const used = codesInSource();
  const unregistered = [...used.keys()].filter((code) => !isErrorCode(code)).map((code) => `${code} (${used.get(code)!.join(', ')})`);
  assert.deepEqual(unregistered, [], 'add these to shared/errors/error-codes.ts');
  const unused = Object.keys(ERROR_CODES).filter((code) => !used.has(code));
  assert.deepEqual(unused, [], 'registered but never given out');
});

test('the README lists every registered code with its status and meaning', () => {
  const section = sectionOf(README, ERRORS_SECTION);
  assert.equal(section, renderErrorReference(), 'run `npm run docs` and commit README.md');
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    assert.ok(section!.includes(`| \`${code}\` | ${'status' in spec ? spec.status : '—'} |`), `README lacks ${code}`);
  }
});

test('codes follow ERR_<AREA>_<WHAT>, API statuses are 4xx/5xx, and every message is a sentence', () => {
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/, code);
    if ('status' in spec) assert.ok(spec.status >= 400 && spec.status < 600, code);
    assert.match(spec.message, /^[A-Z].*\.$/, `${code}: a sentence`);
  }
});

test('an error keeps its code across a payload (IPC) and answers with its registered status (API)', () => {
  const error = new RoutexError('ERR_LISTEN_ADDRESS_IN_USE', 'cannot listen on 127.0.0.1:80: EADDRINUSE');
  assert.deepEqual(errorPayload(error, 'ERR_INTERNAL'), { code: 'ERR_LISTEN_ADDRESS_IN_USE', message: 'cannot listen on 127.0.0.1:80: EADDRINUSE' });
  assert.deepEqual(errorPayload(Object.assign(new Error('boom'), { code: 'EPIPE' }), 'ERR_INTERNAL'), { code: 'ERR_INTERNAL', message: 'boom' }, 'a system errno is not one of ours');
  assert.equal(new RoutexError('ERR_IPC_TIMEOUT').message, ERROR_CODES.ERR_IPC_TIMEOUT.message, 'the registry\'s message by default');
  assert.equal(new ApiError('ERR_PROXY_NOT_FOUND').status, 404);
  assert.equal(statusOf('ERR_WORKER_CRASHED'), 500, 'a code that is not an API answer maps to 500');
});
