/** The canonical IANA name of a zone Intl knows ("europe/london" → "Europe/London"), else undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
