// One ajv instance for both files: every error at once; schema defaults filled in place, also for
// keys left empty (a block whose lines are all commented out is null in YAML); no type coercion
// (a quoted "true" is not a boolean); our formats registered.
import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import type { ConfigIssue } from './errors.js';
import { CONFIG_FORMATS } from './formats.js';
import { translateAjvErrors } from './schema-issues.js';

const ajv = new Ajv({ allErrors: true, useDefaults: 'empty', verbose: true, allowUnionTypes: true, coerceTypes: false });
for (const [name, format] of Object.entries(CONFIG_FORMATS)) {
  ajv.addFormat(name, { type: 'string', validate: (value: string) => format.check(value) === undefined });
}

const compiled = new WeakMap<TSchema, ValidateFunction>();

export interface SchemaResult {
  /** A deep copy of the input with defaults filled in; only trustworthy where no issue points. */
  data: Record<string, unknown>;
  issues: ConfigIssue[];
}

export function validateAgainstSchema(schema: TSchema, value: Record<string, unknown>, file: string): SchemaResult {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const data = structuredClone(value);
  const valid = validate(data);
  return { data, issues: valid ? [] : translateAjvErrors(validate.errors ?? [], data, file) };
}
