import type { ComponentChildren } from 'preact';
import { href, type Route } from '../router.js';
import { useLive, useSession } from '../session.js';

const PAGES: { route: Route; label: string }[] = [
  { route: { page: 'overview' }, label: 'Overview' },
  { route: { page: 'protection' }, label: 'Protection' },
  { route: { page: 'acl', scope: 'global' }, label: 'ACL' },
  { route: { page: 'system' }, label: 'System' },
];

const STATUS_TEXT = { live: 'Live', connecting: 'Connecting…', retrying: 'Reconnecting…' };

export function Layout({ route, onSignOut, children }: { route: Route; onSignOut: () => void; children: ComponentChildren }) {
  const { identity } = useSession();
  const live = useLive();
  const current = route.page === 'proxy' ? 'overview' : route.page;
  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href="#/">
          <span class="logo" aria-hidden="true" />
          RouteX
        </a>
        <nav class="nav">
          {PAGES.map(({ route: target, label }) => (
            <a key={label} href={href(target)} class={target.page === current ? 'active' : ''} aria-current={target.page === current ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="session">
          <span class={`live-dot live-${live.status}`} id="live-status" data-status={live.status} title="Event stream">
            {STATUS_TEXT[live.status]}
          </span>
          <span class="key-label" title={identity.permissions.join(', ')}>
            {identity.label}
            {!identity.permissions.includes('*') && <span class="read-only">read-only</span>}
          </span>
          <button type="button" class="btn btn-small" onClick={onSignOut} id="sign-out">
            Sign out
          </button>
        </div>
      </header>
      <main class="content">{children}</main>
    </div>
  );
}
