// The config schemas as plain JSON Schema (draft-07) objects, for the OpenAPI document,
// configs/*.schema.json (editor completion) and the README's config reference. The custom
// `format` names (duration, port-spec, ip-list, ...) are explained in each field's description.
import type { TSchema } from '@sinclair/typebox';
import { GlobalFileSchema } from './schema-global.js';
import { ProxyFileSchema } from './schema-proxy.js';

export function globalJsonSchema(): Record<string, unknown> {
  return toJsonSchema(GlobalFileSchema, 'https://routex.dev/schema/global.schema.json');
}

export function proxyJsonSchema(): Record<string, unknown> {
  return toJsonSchema(ProxyFileSchema, 'https://routex.dev/schema/proxy.schema.json');
}

/** A deep copy without TypeBox's symbol keys, safe to mutate and to serialise. */
function toJsonSchema(schema: TSchema, id: string): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: id, ...plain };
}
