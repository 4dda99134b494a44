import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, type ApiClient } from './api/client.js';
import type { Identity } from './api/types.js';
import type { LiveStore } from './live-store.js';

export interface Notice {
  id: number;
  kind: 'error' | 'ok';
  text: string;
}

/** Everything a page needs: the API client, who the key is, which routes the API has, the live data. */
export interface Session {
  client: ApiClient;
  identity: Identity;
  /** `METHOD /path` of every operation in the API's OpenAPI document. */
  operations: ReadonlySet<string>;
  live: LiveStore;
  notify(kind: Notice['kind'], text: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the key has `scope` (`*` has every scope). */
export function can(identity: Identity, scope: string): boolean {
  return identity.permissions.includes('*') || identity.permissions.includes(scope);
}

/** The live store, re-rendering the caller on every update. */
export function useLive(): LiveStore {
  const { live } = useSession();
  const [, setTick] = useState(0);
  useEffect(() => live.subscribe(() => setTick((n) => n + 1)), [live]);
  return live;
}

export interface Loaded<T> {
  data: T | null;
  error: ApiFailure | null;
  reload: () => void;
}

function asFailure(failure: unknown): ApiFailure {
  return failure instanceof ApiFailure ? failure : new ApiFailure(0, 'ERR_CLIENT', String(failure));
}

/** Loads `fetcher()` when `deps` change (and on `reload`), keeping the last data while it reloads. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    fetcher().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
      },
      (failure: unknown) => {
        if (current) setError(asFailure(failure));
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, reload };
}

/**
 * Loads `fetcher()`, and again whenever `trigger` changes (data whose counters move every
 * second). Never two requests at once: a change during a request asks for one more after it, so a
 * slow answer is followed by a newer one instead of being cancelled over and over.
 */
export function useFollow<T>(fetcher: () => Promise<T>, trigger: unknown): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const state = useRef({ busy: false, again: false, mounted: true });
  const latestFetcher = useRef(fetcher);
  latestFetcher.current = fetcher;
  const load = useCallback(() => {
    const s = state.current;
    if (s.busy) {
      s.again = true;
      return;
    }
    s.busy = true;
    latestFetcher
      .current()
      .then(
        (value) => {
          if (!s.mounted) return;
          setData(value);
          setError(null);
        },
        (failure: unknown) => {
          if (s.mounted) setError(asFailure(failure));
        },
      )
      .finally(() => {
        s.busy = false;
        if (!s.again || !s.mounted) return;
        s.again = false;
        load();
      });
  }, []);
  useEffect(() => {
    state.current.mounted = true;
    return () => {
      state.current.mounted = false;
    };
  }, []);
  useEffect(load, [trigger]);
  return { data, error, reload: load };
}

/** Runs an action (eject, kill, add rule…), showing its result or the API's error to the user. */
export function useAction(): (label: string, run: () => Promise<unknown>, after?: () => void) => Promise<void> {
  const { notify } = useSession();
  return useCallback(
    async (label, run, after) => {
      try {
        await run();
        notify('ok', label);
      } catch (error) {
        notify('error', `${label} failed: ${error instanceof ApiFailure ? error.describe() : String(error)}`);
      }
      after?.();
    },
    [notify],
  );
}

/** Calls `reload` once every `snapshots` counter snapshots of the stream: for data that moves slowly. */
export function useEverySnapshots(snapshots: number, reload: () => void): void {
  const live = useLive();
  const tick = live.counters === null ? 0 : Math.floor(Date.parse(live.counters.at) / (live.counters.interval_ms * snapshots));
  useEffect(() => {
    if (tick !== 0) reload();
  }, [tick]);
}
