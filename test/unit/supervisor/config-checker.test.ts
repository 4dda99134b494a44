import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigChecker, ConfigCheckError } from '../../../supervisor/config/config-checker.js';
import { parseGlobalConfig } from '../../../shared/config/load-global.js';

const global = parseGlobalConfig('timezone: UTC\n', 'global.yaml').config!;
const PROXY = 'name: p\norigin-ip: "127.0.0.1"\norigin-port: 25565\ndest-ip: "10.0.0.1"\ndest-port: 35565\nprotocol: tcp\n';
/** About 2 MB of valid YAML: long enough to parse that a short timeout or a small heap gives out. */
const LARGE = `name: big\nacl:\n  rules:\n${Array.from({ length: 40_000 }, (_, i) => `    - { action: deny, cidr: "10.${(i >> 8) & 255}.${i & 255}.0/24", comment: "rule ${i}" }`).join('\n')}\n`;

test('a proxy file checked on the thread comes back resolved, with its problems', async (t) => {
  const checker = new ConfigChecker();
  t.after(() => checker.close());
  const good = await checker.check({ kind: 'proxy-text', text: PROXY, file: 'p.yaml', global });
  assert.deepEqual([good.issues, good.config?.name, good.config?.listeners.length], [[], 'p', 1]);
  const bad = await checker.check({ kind: 'proxy-value', value: { name: 'p', protocol: 'sctp' }, file: '<api>', global });
  assert.ok(bad.issues.some((i) => i.path === 'protocol'));
  assert.equal(bad.yaml, 'name: p\nprotocol: sctp\n');
});

test('a check past its timeout is abandoned and the next one gets a fresh thread', async (t) => {
  const checker = new ConfigChecker({ timeoutMs: 1000, maxHeapMb: 512 });
  await checker.check({ kind: 'global-text', text: 'api:\n  enabled: false\n', file: 'g.yaml' });
  t.after(() => checker.close());
  const startedAt = performance.now();
  await assert.rejects(checker.check({ kind: 'proxy-text', text: LARGE + LARGE.slice(LARGE.indexOf('    -')), file: 'big.yaml', global }), (error: unknown) => error instanceof ConfigCheckError && error.reason === 'timeout');
  assert.ok(performance.now() - startedAt < 2500, 'the caller is answered at the timeout, not when the parse ends');
  const same = await Promise.race([checker.check({ kind: 'global-text', text: 'api:\n  enabled: false\n', file: 'g.yaml' }), new Promise((resolve) => setTimeout(resolve, 5000, 'stuck'))]);
  assert.notEqual(same, 'stuck');
});

test('a document that needs more memory than the thread may use fails its check, not the process', async (t) => {
  const checker = new ConfigChecker({ timeoutMs: 60_000, maxHeapMb: 48 });
  t.after(() => checker.close());
  checker.warmUp();
  await assert.rejects(checker.check({ kind: 'proxy-text', text: LARGE + LARGE.slice(LARGE.indexOf('    -')), file: 'big.yaml', global }), (error: unknown) => error instanceof ConfigCheckError && error.reason === 'failed');
  const after = await checker.check({ kind: 'global-text', text: 'api:\n  enabled: false\n', file: 'g.yaml' });
  assert.deepEqual(after.issues, []);
});

test('jobs queued behind one another are answered in order; close() refuses the rest', async () => {
  const checker = new ConfigChecker();
  const results = await Promise.all([1, 2, 3].map((i) => checker.check({ kind: 'proxy-text', text: PROXY.replace('name: p', `name: p${i}`), file: `${i}.yaml`, global })));
  assert.deepEqual(results.map((r) => r.config?.name), ['p1', 'p2', 'p3']);
  await checker.close();
  await assert.rejects(checker.check({ kind: 'global-text', text: 'a: 1\n', file: 'g.yaml' }), (error: unknown) => error instanceof ConfigCheckError && error.reason === 'closed');
});

test('where no thread can start, checks run inline instead of failing every file', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-checker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const broken = path.join(dir, 'broken-thread.mjs');
  writeFileSync(broken, "throw new Error('this thread cannot start');\n");
  const checker = new ConfigChecker({ timeoutMs: 10_000, maxHeapMb: 64, entry: pathToFileURL(broken) });
  t.after(() => checker.close());
  const results = await Promise.all([1, 2].map((i) => checker.check({ kind: 'proxy-text', text: PROXY.replace('name: p', `name: p${i}`), file: `${i}.yaml`, global })));
  assert.deepEqual(results.map((r) => r.config?.name), ['p1', 'p2']);
});
