import { useEffect, useMemo, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'proxy'; name: string }
  | { page: 'protection' }
  | { page: 'acl'; scope: string }
  | { page: 'system' };

/** Routes live in the hash (`#/proxy/lobby`): the server serves one page, and reloads keep the place. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'proxy':
      return parts[1] ? { page: 'proxy', name: parts[1] } : { page: 'overview' };
    case 'protection':
      return { page: 'protection' };
    case 'acl':
      return { page: 'acl', scope: parts[1] ?? 'global' };
    case 'system':
      return { page: 'system' };
    default:
      return { page: 'overview' };
  }
}

export function href(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'proxy':
      return `#/proxy/${encodeURIComponent(route.name)}`;
    case 'acl':
      return route.scope === 'global' ? '#/acl' : `#/acl/${encodeURIComponent(route.scope)}`;
    default:
      return `#/${route.page}`;
  }
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    // Effects run after the first paint: a hash change in between fired before this listener existed.
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
