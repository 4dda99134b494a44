import { useState } from 'preact/hooks';
import { ApiClient, ApiFailure } from '../api/client.js';
import type { Identity } from '../api/types.js';
import { ErrorBox } from './ui.js';

/** Asks for an API key and checks it with `GET /api/whoami` before keeping it. */
export function SignIn({ onSignedIn, reason }: { onSignedIn: (key: string, identity: Identity) => void; reason: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed === '') return;
    setBusy(true);
    try {
      const identity = await new ApiClient(trimmed).get<Identity>('/api/whoami');
      onSignedIn(trimmed, identity);
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure : new ApiFailure(0, 'ERR_CLIENT', String(failure)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="sign-in-card" onSubmit={submit}>
        <h1>
          <span class="logo" aria-hidden="true" />
          RouteX
        </h1>
        <p class="muted">Sign in with an API key from <code>global.yaml</code> (<code>api.api_keys</code>). It is kept in this tab only.</p>
        {reason !== null && (
          <div class="error-box" role="alert" id="signed-out-reason">
            {reason}
          </div>
        )}
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autocomplete="current-password" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} autofocus />
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error !== null && <ErrorBox error={error} />}
      </form>
    </main>
  );
}
