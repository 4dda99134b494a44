// The JSON Schemas feed the docs and editors: every field must explain itself, and no object may
// accept keys it does not know.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globalJsonSchema, proxyJsonSchema } from '../../../shared/config/json-schema.js';

type Schema = Record<string, unknown>;

/** Every property schema in the tree, with its dotted path. */
function* fields(schema: Schema, path = ''): Generator<[string, Schema]> {
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const [key, child] of Object.entries(properties)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    yield [childPath, child];
    yield* fields(child, childPath);
  }
  const items = schema['items'] as Schema | undefined;
  if (items !== undefined) yield* fields(items, `${path}[]`);
}

function* objects(schema: Schema, path = '(root)'): Generator<[string, Schema]> {
  if (schema['type'] === 'object' && schema['properties'] !== undefined) yield [path, schema];
  for (const [childPath, child] of fields(schema)) {
    if (child['type'] === 'object' && child['properties'] !== undefined) yield [childPath, child];
  }
}

for (const [name, schema] of [['global', globalJsonSchema()], ['proxy', proxyJsonSchema()]] as const) {
  describe(`${name} JSON Schema`, () => {
    it('describes every field', () => {
      const missing = [...fields(schema)].filter(([, field]) => typeof field['description'] !== 'string' || field['description'] === '');
      assert.deepEqual(missing.map(([path]) => path), []);
    });

    it('refuses unknown keys in every object', () => {
      const open = [...objects(schema)].filter(([, object]) => object['additionalProperties'] !== false);
      assert.deepEqual(open.map(([path]) => path), []);
    });

    it('is plain JSON', () => {
      assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
      assert.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
    });
  });
}

describe('proxy JSON Schema', () => {
  it('covers all 16 rate limits', () => {
    const rateLimits = (proxyJsonSchema()['properties'] as Record<string, Schema>)['rate_limits'];
    assert.equal(Object.keys((rateLimits?.['properties'] ?? {}) as object).length, 16);
  });

  it('requires only the keys a proxy cannot do without', () => {
    assert.deepEqual(proxyJsonSchema()['required'], ['name', 'origin-ip', 'origin-port', 'dest-ip', 'dest-port', 'protocol']);
  });
});
