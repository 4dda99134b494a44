import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkValueShape, DOCUMENT_LIMITS } from '../../../shared/config/document-limits.js';
import { decodeConfigBytes, parseYamlMapping } from '../../../shared/config/yaml-source.js';
import { scanJsonShape } from '../../../shared/config/json-shape.js';

const small = { maxDepth: 3, maxKeys: 3, maxItems: 4, maxNodes: 20, maxAliases: 2 };

function timed<T>(run: () => T): { value: T; ms: number } {
  const startedAt = performance.now();
  const value = run();
  return { value, ms: performance.now() - startedAt };
}

describe('document limits on a parsed value', () => {
  it('accepts a document within every limit', () => {
    assert.equal(checkValueShape({ a: [1, 2, { b: 'c' }], d: null }, small), undefined);
  });

  it('names the path and the limit a document breaks first', () => {
    assert.deepEqual(checkValueShape({ a: { b: { c: { d: 1 } } } }, small), { path: 'a.b.c', message: 'nests deeper than 3 levels' });
    assert.deepEqual(checkValueShape({ a: { w: 1, x: 1, y: 1, z: 1 } }, small), { path: 'a', message: 'has more than 3 keys' });
    assert.deepEqual(checkValueShape({ list: [1, 2, 3, 4, 5] }, small), { path: 'list', message: 'has more than 4 items' });
    assert.deepEqual(checkValueShape([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], small), { path: '', message: 'the document has more than 20 values in all' });
  });

  it('walks a million levels of nesting without recursion, stopping at the limit', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`) as unknown;
    assert.equal(checkValueShape(deep)?.message, 'nests deeper than 32 levels');
  });

  it('stops at the key limit however many keys there are', () => {
    const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]));
    assert.equal(checkValueShape(wide)?.message, `has more than ${DOCUMENT_LIMITS.maxKeys} keys`);
  });

  it('counts each use of a shared value, so alias fan-out cannot hide', () => {
    let shared: unknown = [1, 2];
    for (let i = 0; i < 30; i++) shared = [shared, shared];
    assert.match(checkValueShape(shared)?.message ?? '', /more than 1000000 values/);
  });
});

describe('document limits on YAML text', () => {
  it('refuses more than 100 aliases with the line and column, before expanding them', () => {
    const text = `x: &a [1, 1]\ny: [${Array.from({ length: 101 }, () => '*a').join(', ')}]\n`;
    assert.deepEqual(parseYamlMapping(text, 'f').issues.map((i) => i.message), ['YAML document too complex at line 2, column 5: the document uses more than 100 aliases']);
  });

  it('refuses a billion laughs that stays under 100 aliases', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${'bcdefghij'[i - 1]}: &${'bcdefghij'[i - 1]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const [issue] = parseYamlMapping(`${levels.join('\n')}\n`, 'f').issues;
    assert.match(issue?.message ?? '', /aliases expand too far|more than 1000000 values/);
  });

  it('refuses deep flow and block nesting without a stack overflow', () => {
    assert.match(parseYamlMapping(`x: ${'['.repeat(200_000)}${']'.repeat(200_000)}`, 'f').issues[0]?.message ?? '', /^YAML document too complex at line 1, column \d+: the document nests deeper than 32 levels$/);
    const block = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    assert.match(parseYamlMapping(`${block} 1\n`, 'f').issues[0]?.message ?? '', /nests deeper than 32 levels/);
  });

  it('checks 32,000 keys in time linear in their number (no pairwise duplicate search)', () => {
    const text = (keys: number): string => Array.from({ length: keys }, (_, i) => `k${i}: ${i}`).join('\n');
    const refused = timed(() => parseYamlMapping(text(32_000), 'f'));
    assert.match(refused.value.issues[0]?.message ?? '', /this mapping has more than 1000 keys/);
    const limits = { ...DOCUMENT_LIMITS, maxKeys: 100_000 };
    const small = timed(() => parseYamlMapping(text(4000), 'f', limits));
    const large = timed(() => parseYamlMapping(text(32_000), 'f', limits));
    assert.deepEqual(large.value.issues, []);
    // 8× the keys: a pairwise check would cost 64×; allow generous noise above linear.
    assert.ok(large.ms < small.ms * 24 + 50, `4,000 keys: ${Math.round(small.ms)} ms, 32,000 keys: ${Math.round(large.ms)} ms`);
  });

  it('still names a repeated key, with its line', () => {
    assert.deepEqual(parseYamlMapping('a: 1\nb: 2\na: 3\n', 'f').issues.map((i) => i.message), ['YAML syntax error at line 3, column 1: Map keys must be unique']);
  });

  it('lists at most ten syntax errors', () => {
    assert.equal(parseYamlMapping('a: [\n'.repeat(50), 'f').issues.length <= 10, true);
  });
});

describe('config file bytes', () => {
  it('takes UTF-8 text and drops a byte-order mark', () => {
    assert.deepEqual(decodeConfigBytes(Buffer.from('\ufeffname: café\n'), 'f'), { text: 'name: café\n' });
  });

  it('refuses bytes that are not UTF-8, naming where', () => {
    assert.deepEqual(decodeConfigBytes(Buffer.from('name: caf\xe9\n', 'latin1'), 'f'), { issue: { file: 'f', path: '', message: 'the file is not UTF-8 text (invalid byte sequence near byte 9)' } });
  });

  it('refuses binary content: control characters other than tab and line breaks', () => {
    const result = decodeConfigBytes(Buffer.from('name: a\u0000b\n'), 'f');
    assert.equal('issue' in result && result.issue.message, 'the file is not text: it holds the control character U+0000 at character 7');
    assert.deepEqual(decodeConfigBytes(Buffer.from('a:\tb\r\n'), 'f'), { text: 'a:\tb\r\n' });
  });

  it('refuses a file over the size limit', () => {
    const result = decodeConfigBytes(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), 'f');
    assert.equal('issue' in result && result.issue.message, 'the file is 4194305 bytes, more than the 4194304 a config file may have');
  });
});

describe('document limits on JSON text, before parsing', () => {
  it('passes JSON within the limits, whatever its strings hold', () => {
    assert.equal(scanJsonShape(JSON.stringify({ a: [1, 2, { b: '{{{[[[::,,,"\\"' }], c: null }), small), undefined);
  });

  it('finds too deep, too many keys and too many items, with the character offset', () => {
    assert.deepEqual(scanJsonShape('{"a":{"b":{"c":{"d":1}}}}', small), { offset: 15, message: 'nests deeper than 3 levels' });
    assert.deepEqual(scanJsonShape('{"w":1,"x":2,"y":3,"z":4}', small), { offset: 22, message: 'has more than 3 keys' });
    assert.deepEqual(scanJsonShape('[1,2,3,4,5]', small), { offset: 8, message: 'has more than 4 items' });
    assert.equal(scanJsonShape('[1,2,3,4]', small), undefined);
    assert.equal(scanJsonShape('[]', small), undefined);
  });

  it('refuses 32,000 keys after reading a thousand of them, in a pass over the text', () => {
    const text = JSON.stringify(Object.fromEntries(Array.from({ length: 32_000 }, (_, i) => [`k${i}`, i])));
    const { value, ms } = timed(() => scanJsonShape(text, DOCUMENT_LIMITS));
    assert.equal(value?.message, 'has more than 1000 keys');
    assert.ok(ms < 100, `${Math.round(ms)} ms`);
    assert.equal(scanJsonShape(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`, DOCUMENT_LIMITS)?.message, 'nests deeper than 32 levels');
  });
});
