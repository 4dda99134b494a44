/**
 * A raw file type after ajv filled in the schema defaults: every key present. The few keys with no
 * default (the ones inherited from global.yaml) are read through `Partial<>` where they are used.
 */
export type Filled<T> = T extends readonly (infer U)[]
  ? Filled<U>[]
  : T extends object
    ? { [K in keyof T]-?: Filled<T[K]> }
    : T;

/**
 * A block read without a `ctx.clean()` guard: when the schema rejected it, it may be any YAML value
 * (a string, a list), so it reads as empty instead.
 */
export function blockOf<T extends object>(value: T | undefined): Partial<T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}
