// Building blocks for the config schemas. Every block is optional with a `{}` default, so ajv
// (with useDefaults) fills a missing or partial block field by field before anything is checked.
import {
  Type,
  type TArray,
  type TBoolean,
  type TInteger,
  type TNumber,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  type TString,
  type TUnsafe,
} from '@sinclair/typebox';
import { MAX_DURATION_MS } from './duration.js';

/** Largest value a 32-bit kernel or socket option takes; counts and rates stay below it. */
export const MAX_INT32 = 2_147_483_647;

/** A config block: unknown keys refused, missing keys filled from their defaults. */
export function Block<P extends TProperties>(properties: P, description: string): TOptional<TObject<P>> {
  return Type.Optional(Type.Object(properties, { additionalProperties: false, default: {}, description }));
}

export function Flag(description: string, defaultValue: boolean): TOptional<TBoolean> {
  return Type.Optional(Type.Boolean({ description, default: defaultValue }));
}

interface RangeOptions {
  minimum?: number;
  maximum?: number;
}

/** A whole number, 0 or more unless said otherwise. Without a default it is optional and absent. */
export function Whole(description: string, defaultValue?: number, range: RangeOptions = {}): TOptional<TInteger> {
  const { minimum = 0, maximum = MAX_INT32 } = range;
  return Type.Optional(Type.Integer({ description, minimum, maximum, ...withDefault(defaultValue) }));
}

/** A byte count that may pass 4 GiB (bandwidth quotas). */
export function ByteCount(description: string, defaultValue: number): TOptional<TInteger> {
  return Whole(description, defaultValue, { maximum: Number.MAX_SAFE_INTEGER });
}

export function Decimal(description: string, defaultValue: number, minimum = 0): TOptional<TNumber> {
  return Type.Optional(Type.Number({ description, minimum, maximum: 1e9, default: defaultValue }));
}

export function Text(description: string, defaultValue?: string): TOptional<TString> {
  return Type.Optional(Type.String({ description, ...withDefault(defaultValue) }));
}

/** A string checked by one of `CONFIG_FORMATS`. */
export function Formatted(format: string, description: string, defaultValue?: string): TString {
  return Type.String({ format, description, ...withDefault(defaultValue) });
}

/** `"5s"`, `"1m30s"`, `"500ms"` or a bare number of seconds. Parsed by `parseDuration`. */
export function Duration(description: string, defaultValue?: string | number): TOptional<TUnsafe<string | number>> {
  return Type.Optional(
    Type.Unsafe<string | number>({
      type: ['string', 'number'],
      format: 'duration',
      minimum: 0,
      maximum: MAX_DURATION_MS / 1000,
      description,
      ...withDefault(defaultValue),
    }),
  );
}

/** A lowercase keyword from a fixed list. A plain enum keeps ajv's error one line (no anyOf). */
export function Choice<const T extends readonly string[]>(values: T, description: string, defaultValue?: T[number]): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description, ...withDefault(defaultValue) });
}

export function List<T extends TSchema>(items: T, description: string, defaultValue?: unknown[]): TOptional<TArray<T>> {
  return Type.Optional(Type.Array(items, { description, ...withDefault(defaultValue) }));
}

function withDefault(value: unknown): { default?: unknown } {
  return value === undefined ? {} : { default: value };
}
