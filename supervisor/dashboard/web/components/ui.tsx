import type { ComponentChildren } from 'preact';
import type { ApiFailure } from '../api/client.js';
import { can, useSession } from '../session.js';

export function Panel({ title, actions, children, id }: { title: string; actions?: ComponentChildren; children: ComponentChildren; id?: string }) {
  return (
    <section class="panel" id={id}>
      <header class="panel-head">
        <h2>{title}</h2>
        {actions}
      </header>
      <div class="panel-body">{children}</div>
    </section>
  );
}

const STATE_TONE: Record<string, string> = {
  running: 'good',
  starting: 'info',
  stopping: 'info',
  backoff: 'bad',
  failed: 'bad',
  invalid: 'bad',
  stopped: 'muted',
  disabled: 'muted',
};

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge badge-${STATE_TONE[state] ?? 'muted'}`} data-state={state}>{state}</span>;
}

export function Badge({ tone, children }: { tone: 'good' | 'bad' | 'info' | 'muted' | 'warn'; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

/** The API's answer when it refused or failed: status, code and message, never swallowed. */
export function ErrorBox({ error }: { error: ApiFailure }) {
  return (
    <div class="error-box" role="alert" data-status={error.status}>
      <strong>{error.status === 0 ? 'No answer' : `${error.status} ${error.code}`}</strong> {error.message}
    </div>
  );
}

export function Loading() {
  return <p class="muted">Loading…</p>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted empty">{children}</p>;
}

/**
 * A button that changes something. A key without `scope` gets no visible button (it stays in the
 * page, hidden, so what the key may do is decided by the API alone, never by the page).
 */
export function ActionButton({ action, scope = '*', onClick, children, tone }: { action: string; scope?: string; onClick: () => void; children: ComponentChildren; tone?: 'danger' }) {
  const { identity } = useSession();
  return (
    <button type="button" class={`btn btn-small ${tone === 'danger' ? 'btn-danger' : ''}`} data-action={action} hidden={!can(identity, scope)} onClick={onClick}>
      {children}
    </button>
  );
}

/** A wide table scrolls sideways inside its panel on a phone instead of widening the page. */
export function TableWrap({ children }: { children: ComponentChildren }) {
  return <div class="table-wrap">{children}</div>;
}
