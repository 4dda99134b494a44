import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/client.js';
import { LiveStream } from './api/live-stream.js';
import { forgetKey, storedKey, storeKey } from './api/session.js';
import type { Identity } from './api/types.js';
import { Layout } from './components/layout.js';
import { Notices } from './components/notices.js';
import { SignIn } from './components/sign-in.js';
import { LiveStore } from './live-store.js';
import { AclPage } from './pages/acl-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ProtectionPage } from './pages/protection-page.js';
import { ProxyPage } from './pages/proxy-page.js';
import { SystemPage } from './pages/system-page.js';
import { useRoute } from './router.js';
import { SessionContext, type Notice, type Session } from './session.js';

interface SignedIn {
  key: string;
  identity: Identity;
  operations: ReadonlySet<string>;
}

/** Which operations the API offers, from its own OpenAPI document (open, no key needed). */
async function loadOperations(): Promise<ReadonlySet<string>> {
  const doc = (await (await fetch('/api/openapi.json', { cache: 'no-store' })).json()) as { paths: Record<string, Record<string, unknown>> };
  return new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)));
}

const NOTICE_MS = 8000;

export function App() {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const route = useRoute();

  const signOut = useCallback((why: string | null) => {
    forgetKey();
    setSignedIn(null);
    setReason(why);
  }, []);

  const signIn = useCallback(async (key: string, identity: Identity) => {
    storeKey(key);
    setReason(null);
    setSignedIn({ key, identity, operations: await loadOperations() });
  }, []);

  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    new ApiClient(key)
      .get<Identity>('/api/whoami')
      .then((identity) => signIn(key, identity))
      .catch(() => signOut('The stored key is no longer accepted; sign in again.'))
      .finally(() => setRestoring(false));
  }, [signIn, signOut]);

  const notify = useCallback((kind: Notice['kind'], text: string) => {
    const id = Date.now() + Math.random();
    setNotices((list) => [...list, { id, kind, text }].slice(-4));
    window.setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), NOTICE_MS);
  }, []);

  const live = useMemo(() => new LiveStore(), [signedIn?.key]);
  useEffect(() => {
    if (signedIn === null) return;
    const stream = new LiveStream(signedIn.key, {
      onEvent: (event) => live.receive(event),
      onStatus: (status) => live.setStatus(status),
      onRefused: (status, code, message) => signOut(`Signed out: the API refused the key (${status} ${code}: ${message}).`),
    });
    stream.open();
    return () => stream.close();
  }, [signedIn, live, signOut]);

  const session = useMemo<Session | null>(
    () => (signedIn === null ? null : { client: new ApiClient(signedIn.key), identity: signedIn.identity, operations: signedIn.operations, live, notify }),
    [signedIn, live, notify],
  );

  if (restoring) return <main class="sign-in muted">Loading…</main>;
  if (session === null) return <SignIn onSignedIn={(key, identity) => void signIn(key, identity)} reason={reason} />;
  return (
    <SessionContext.Provider value={session}>
      <Layout route={route} onSignOut={() => signOut(null)}>
        {route.page === 'overview' && <OverviewPage />}
        {route.page === 'proxy' && <ProxyPage name={route.name} />}
        {route.page === 'protection' && <ProtectionPage />}
        {route.page === 'acl' && <AclPage scope={route.scope} />}
        {route.page === 'system' && <SystemPage />}
      </Layout>
      <Notices notices={notices} dismiss={(id) => setNotices((list) => list.filter((n) => n.id !== id))} />
    </SessionContext.Provider>
  );
}
