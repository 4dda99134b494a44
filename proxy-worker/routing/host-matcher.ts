import { normalizeHostName } from '../../shared/config/route-host.js';

/**
 * Finds what serves a host name: an exact name first, then the most specific `*.` wildcard
 * (`*.a.example.net` before `*.example.net`). A wildcard matches any name below its base, not
 * the base itself. Names compare case-insensitively, a trailing dot ignored.
 */
export class HostMatcher<T> {
  private readonly exact = new Map<string, T>();
  /** Keyed by the wildcard's base: `*.example.net` → `example.net`. */
  private readonly wildcards = new Map<string, T>();

  constructor(entries: Iterable<[host: string, value: T]>) {
    for (const [host, value] of entries) {
      const name = normalizeHostName(host);
      if (name.startsWith('*.')) this.wildcards.set(name.slice(2), value);
      else this.exact.set(name, value);
    }
  }

  get size(): number {
    return this.exact.size + this.wildcards.size;
  }

  match(host: string): T | undefined {
    const name = normalizeHostName(host);
    const exact = this.exact.get(name);
    if (exact !== undefined || this.wildcards.size === 0) return exact;
    for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      const found = this.wildcards.get(name.slice(dot + 1));
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
