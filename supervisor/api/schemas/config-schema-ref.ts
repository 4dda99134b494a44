import { Type } from '@sinclair/typebox';

/** The proxy file's JSON Schema, placed once in the OpenAPI document's components. */
export const proxyFileSchemaRef = Type.Unsafe<unknown>({ $ref: '#/components/schemas/ProxyFile' });
