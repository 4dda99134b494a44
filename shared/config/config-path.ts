// Dotted YAML paths as shown to operators: `load_balancing.health_check.timeout`,
// `api.api_keys[0].label`, `load_balancing.upstream_weights["10.0.0.1"]`.

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Turns ajv's JSON pointer (`/acl/rules/2/cidr`) into a YAML path, walking `data` to tell list indexes from keys. */
export function pointerToPath(pointer: string, data: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const isIndex = Array.isArray(node) && /^\d+$/.test(segment);
    path = childPath(path, isIndex ? Number(segment) : segment);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

/** True when `path` is `base` or lies inside it. */
export function isWithin(path: string, base: string): boolean {
  return base === '' || path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
}

/** True when one path is the other or contains it: a problem at one of them concerns the other. */
export function overlaps(a: string, b: string): boolean {
  return isWithin(a, b) || isWithin(b, a);
}
