// Flattens a config JSON Schema into the list of fields an operator can write: dotted paths
// (`api.tls.cert`, `api.api_keys[].label`), a readable type, the default and the description.
// Pure: feeds the README's configuration reference and its test.

type Schema = Record<string, unknown>;

export interface ConfigField {
  /** `api.bind`, `acl.rules[].cidr`, `origin-port`. */
  path: string;
  /** Depth below the file's top level: 0 for `api`, 1 for `api.bind`. */
  depth: number;
  type: string;
  /** JSON of the default, `required`, or '' when the field is optional with no default. */
  default: string;
  description: string;
  /** A block (object with its own fields) rather than a value. */
  block: boolean;
}

const FORMAT_NAMES: Record<string, string> = {
  duration: 'duration',
  'port-spec': 'port list',
  'ip-list': 'IP list',
  'host-port': 'host:port',
  cidr: 'CIDR',
  'hex-bytes': 'hex bytes',
  'proxy-name': 'name',
  'non-blank': 'text',
  'route-host': 'host name',
  origin: 'URL origin',
  'chain-prefix': 'text',
  'comment-prefix': 'text',
  'node-id': 'name',
  'redis-url': 'URL',
  'key-prefix': 'text',
};

/** Bounds at or past these are "no real limit" and not worth printing. */
const UNBOUNDED = 2_147_483_647;

function properties(schema: Schema): Record<string, Schema> {
  return (schema['properties'] ?? {}) as Record<string, Schema>;
}

function range(schema: Schema): string {
  const min = schema['minimum'] as number | undefined;
  const max = schema['maximum'] as number | undefined;
  const low = min !== undefined && min !== 0 ? min : undefined;
  const high = max !== undefined && max < UNBOUNDED ? max : undefined;
  if (low === undefined && high === undefined) return '';
  if (high === undefined) return ` ≥ ${low}`;
  return ` ${low ?? 0}–${high}`;
}

/** A short, readable type: `integer 1–65535`, `duration`, `` `tcp` | `udp` ``, `list of CIDR`. */
export function typeName(schema: Schema): string {
  const enumValues = schema['enum'] as string[] | undefined;
  if (enumValues !== undefined) return enumValues.map((v) => `\`${v}\``).join(' \\| ');
  const format = schema['format'] as string | undefined;
  if (format !== undefined) return FORMAT_NAMES[format] ?? format;
  const type = schema['type'];
  if (type === 'array') {
    const items = schema['items'] as Schema;
    return items['type'] === 'object' ? 'list of objects' : `list of ${typeName(items)}`;
  }
  if (type === 'object') {
    const patterns = Object.values((schema['patternProperties'] ?? {}) as Record<string, Schema>);
    return patterns.length > 0 ? `map of key → ${typeName(patterns[0]!)}` : 'object';
  }
  if (type === 'integer' || type === 'number') return `${type}${range(schema)}`;
  if (type === 'string') return 'text';
  return String(type);
}

function defaultText(schema: Schema, required: boolean): string {
  if (required) return 'required';
  if (!('default' in schema)) return '';
  return JSON.stringify(schema['default']);
}

/** Every field under `schema`, parents before children, in the schema's own order. */
export function configFields(schema: Schema, prefix = '', depth = 0): ConfigField[] {
  const fields: ConfigField[] = [];
  const required = new Set((schema['required'] ?? []) as string[]);
  for (const [key, child] of Object.entries(properties(schema))) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const block = child['type'] === 'object' && child['properties'] !== undefined;
    fields.push({
      path,
      depth,
      type: block ? 'block' : typeName(child),
      default: block ? '' : defaultText(child, required.has(key)),
      description: String(child['description'] ?? ''),
      block,
    });
    if (block) fields.push(...configFields(child, path, depth + 1));
    const items = child['items'] as Schema | undefined;
    if (items?.['type'] === 'object') fields.push(...configFields(items, `${path}[]`, depth + 1));
  }
  return fields;
}
