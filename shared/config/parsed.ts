/** The outcome of parsing one config value: the value, or a message saying what is wrong with it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Parsed<T> {
  return { ok: false, error };
}

/** For values the schema has already accepted: a failure here is a bug, not a config problem. */
export function must<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`config value accepted by the schema failed to parse: ${parsed.error}`);
  return parsed.value;
}
