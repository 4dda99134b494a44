// Semantic checks run even when the schema has found problems, so they meet values of any type.
// Whatever an operator writes at whatever key, the loaders must answer with issues, never throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { globalJsonSchema, proxyJsonSchema } from '../../../shared/config/json-schema.js';
import { parseGlobalConfig } from '../../../shared/config/load-global.js';
import { parseProxyConfig } from '../../../shared/config/load-proxy.js';
import { globalConfig, MINIMAL_PROXY } from './config-fixtures.js';

type Schema = Record<string, unknown>;

const JUNK: unknown[] = ['text', -1, 1.5, true, [], [1], { a: 1 }, '0x'];

/** Every key path of the schema, as lists of keys (list items as index 0). */
function keyPaths(schema: Schema, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  for (const [key, child] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>)) {
    paths.push([...prefix, key], ...keyPaths(child, [...prefix, key]));
    const items = child['items'] as Schema | undefined;
    if (items !== undefined) paths.push([...prefix, key, 0], ...keyPaths(items, [...prefix, key, 0]));
  }
  return paths;
}

/** A copy of `base` with `value` set at `path`, creating blocks and lists on the way. */
function withValue(base: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const root = structuredClone(base);
  let node: Record<string | number, unknown> = root;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = typeof path[index + 1] === 'number' ? [] : {};
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = next;
    node = node[key] as Record<string | number, unknown>;
  });
  return root;
}

/** A proxy with every conditional check switched on, so junk reaches each of them. */
const EVERYTHING_ON = {
  ...MINIMAL_PROXY,
  'one-to-one': true,
  load_balancing: { algorithm: 'weighted', sticky_sessions: true },
  bandwidth: { enabled: true, suspend_on_limit: true },
  l7_protection: Object.fromEntries([
    ['enabled', true],
    ...['slow_connection', 'payload_rate_limit', 'connection_cycling', 'payload_inspection', 'amplification', 'behavioral_scoring'].map((part) => [part, { enabled: true }]),
  ]),
};

describe('values of the wrong type', () => {
  const global = globalConfig();

  it('never make the proxy loader throw', () => {
    let cases = 0;
    for (const path of keyPaths(proxyJsonSchema())) {
      for (const junk of JUNK) {
        const text = stringify(withValue(EVERYTHING_ON, path, junk));
        assert.doesNotThrow(() => parseProxyConfig(text, 'p.yaml', global), `${path.join('.')} = ${JSON.stringify(junk)}`);
        cases++;
      }
    }
    assert.ok(cases > 800, `only ${cases} cases`);
  });

  it('never make the global loader throw', () => {
    for (const path of keyPaths(globalJsonSchema())) {
      for (const junk of JUNK) {
        const text = stringify(withValue({ api: { enabled: true }, metrics: { enabled: true } }, path, junk));
        assert.doesNotThrow(() => parseGlobalConfig(text, 'g.yaml'), `${path.join('.')} = ${JSON.stringify(junk)}`);
      }
    }
  });

  it('suggest quotes for a number where a string is expected', () => {
    const result = parseProxyConfig(stringify({ ...MINIMAL_PROXY, name: 25565, description: 2024 }), 'p.yaml', global);
    assert.deepEqual(result.issues.map((issue) => `${issue.path}: ${issue.message}`), [
      'name: must be a string (write it in quotes: "25565")',
      'description: must be a string (write it in quotes: "2024")',
    ]);
  });

  it('accept port specs and IP lists written without quotes', () => {
    const text = 'name: t\norigin-ip: 127.0.0.1, ::1\norigin-port: 25565:25567\ndest-ip: 10.0.0.1\ndest-port: 35565,35566\nprotocol: tcp\n';
    const result = parseProxyConfig(text, 'p.yaml', global);
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.config?.originPorts, [25565, 25566, 25567]);
    assert.deepEqual(result.config?.destPorts, [35565, 35566]);
    assert.deepEqual(result.config?.originIps, ['127.0.0.1', '::1']);
  });
});
