// The README's configuration reference and configs/*.schema.json are generated from the config
// schema (npm run docs). These tests fail when either drifts from the code.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { globalJsonSchema, proxyJsonSchema } from '../../../shared/config/json-schema.js';
import { currentReference, renderConfigReference, replaceReference, REFERENCE_END, REFERENCE_START } from '../../../supervisor/docs/config-reference.js';
import { configFields, typeName } from '../../../supervisor/docs/config-fields.js';
import { schemaFileText } from '../../../supervisor/docs/write-docs.js';

type Schema = Record<string, unknown>;

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const FIX = 'run `npm run docs` and commit README.md and configs/*.schema.json';

/** Every field path in a schema, walked here independently of the generator. */
function schemaPaths(schema: Schema, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    paths.push(path, ...schemaPaths(child, path));
    const items = child['items'] as Schema | undefined;
    if (items !== undefined) paths.push(...schemaPaths(items, `${path}[]`));
  }
  return paths;
}

/** Field paths the README documents, per file section: table rows and block headings. */
function documentedPaths(reference: string): { global: string[]; proxy: string[] } {
  const [, globalPart = '', proxyPart = ''] = reference.split(/^### /m);
  const paths = (part: string): string[] =>
    part.split('\n').flatMap((line) => {
      const match = /^\| `([^`]+)` \|/.exec(line) ?? /^#### `([^`]+)`/.exec(line);
      return match ? [match[1]!] : [];
    });
  return { global: paths(globalPart), proxy: paths(proxyPart) };
}

function difference(a: string[], b: string[]): string[] {
  const other = new Set(b);
  return a.filter((x) => !other.has(x));
}

describe('README configuration reference', () => {
  const reference = currentReference(readme);

  it('sits between the markers in README.md', () => {
    assert.ok(reference !== undefined, `README.md lacks ${REFERENCE_START} … ${REFERENCE_END}`);
  });

  for (const [name, schema] of [['global', globalJsonSchema()], ['proxy', proxyJsonSchema()]] as const) {
    it(`documents every ${name} field and no field the schema lacks`, () => {
      const documented = documentedPaths(reference ?? '')[name];
      const fields = schemaPaths(schema);
      assert.deepEqual(difference(fields, documented), [], `fields missing from the README: ${FIX}`);
      assert.deepEqual(difference(documented, fields), [], `README documents fields the schema lacks: ${FIX}`);
      assert.equal(new Set(documented).size, documented.length, 'a field is documented twice');
    });
  }

  it('is exactly what the generator writes (types, defaults, descriptions)', () => {
    assert.equal(reference, renderConfigReference(), FIX);
  });
});

describe('configs/*.schema.json', () => {
  for (const [file, schema] of [['global.schema.json', globalJsonSchema()], ['proxy.schema.json', proxyJsonSchema()]] as const) {
    it(`${file} matches the schema in the code`, () => {
      assert.equal(readFileSync(`${ROOT}configs/${file}`, 'utf8'), schemaFileText(schema), FIX);
    });
  }

  it('every shipped YAML file names its schema on the first line, for the YAML language server', () => {
    const files = [
      ['configs/global.yaml', './global.schema.json'],
      ...['bedrock', 'gameserver', 'minecraft'].map((name) => [`configs/proxies/${name}.yaml`, '../proxy.schema.json']),
    ] as const;
    for (const [file, schemaRef] of files) {
      const firstLine = readFileSync(`${ROOT}${file}`, 'utf8').split('\n')[0];
      assert.equal(firstLine, `# yaml-language-server: $schema=${schemaRef}`, file);
      assert.ok(existsSync(new URL(schemaRef, `file://${ROOT}${file}`)), `${file} points at a missing ${schemaRef}`);
    }
  });
});

describe('config field listing', () => {
  it('names types the way an operator writes them', () => {
    assert.equal(typeName({ type: 'string', enum: ['tcp', 'udp'] }), '`tcp` \\| `udp`');
    assert.equal(typeName({ type: ['string', 'number'], format: 'duration' }), 'duration');
    assert.equal(typeName({ type: 'integer', minimum: 1, maximum: 65_535 }), 'integer 1–65535');
    assert.equal(typeName({ type: 'integer', minimum: 0, maximum: 2_147_483_647 }), 'integer');
    assert.equal(typeName({ type: 'integer', minimum: 1, maximum: 2_147_483_647 }), 'integer ≥ 1');
    assert.equal(typeName({ type: 'array', items: { type: 'string', format: 'cidr' } }), 'list of CIDR');
    assert.equal(typeName({ type: 'object', patternProperties: { '^(.*)$': { type: 'integer', minimum: 1, maximum: 10 } } }), 'map of key → integer 1–10');
  });

  it('marks required fields, keeps defaults as JSON, and lists array items under []', () => {
    const fields = configFields({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', description: 'n' },
        port: { type: 'integer', default: 80, description: 'p' },
        rules: { type: 'array', description: 'r', items: { type: 'object', required: ['cidr'], properties: { cidr: { type: 'string', format: 'cidr', description: 'c' } } } },
      },
    });
    assert.deepEqual(
      fields.map((f) => [f.path, f.default]),
      [['name', 'required'], ['port', '80'], ['rules', ''], ['rules[].cidr', 'required']],
    );
  });

  it('refuses a README without markers instead of appending somewhere', () => {
    assert.throws(() => replaceReference('# RouteX\n', 'x'), /markers/);
    assert.equal(replaceReference(`a\n${REFERENCE_START}\nold\n${REFERENCE_END}\nb`, 'new'), `a\n${REFERENCE_START}\nnew\n${REFERENCE_END}\nb`);
  });
});
