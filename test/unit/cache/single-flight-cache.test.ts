import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SingleFlightCache } from '../../../proxy-worker/cache/single-flight-cache.js';

/** A fetch the test settles by hand, counting calls. */
function manualFetch<V>() {
  const pending: ((value: V | null) => void)[] = [];
  const fetch = (): Promise<V | null> => new Promise((resolve) => pending.push(resolve));
  return { fetch, pending, get calls() { return pending.length; } };
}

describe('SingleFlightCache', () => {
  it('fetches once for any number of callers, in flight and after, until the ttl passes', async () => {
    let now = 1000;
    const cache = new SingleFlightCache<number, string>(5000, 8, () => now);
    const source = manualFetch<string>();
    const waiting = Array.from({ length: 200 }, () => cache.get(760, source.fetch));
    assert.equal(source.calls, 1);
    source.pending[0]!('status');
    assert.deepEqual(await Promise.all(waiting), Array(200).fill('status'));
    now += 4999;
    assert.equal(cache.get(760, source.fetch), 'status');
    assert.equal(source.calls, 1);
    now += 1;
    const refetch = cache.get(760, source.fetch);
    assert.equal(source.calls, 2);
    source.pending[1]!('newer');
    assert.equal(await refetch, 'newer');
  });

  it('remembers a failed fetch for the ttl, and a throwing fetch counts as failed', async () => {
    let now = 0;
    const cache = new SingleFlightCache<string, string>(1000, 8, () => now);
    let calls = 0;
    const failing = (): Promise<string | null> => {
      calls++;
      return Promise.reject(new Error('down'));
    };
    assert.equal(await cache.get('k', failing), null);
    assert.equal(cache.get('k', failing), null);
    assert.equal(calls, 1);
    now = 1000;
    assert.equal(await cache.get('k', failing), null);
    assert.equal(calls, 2);
  });

  it('keys separately, and past maxEntries answers a new key from the newest entry without fetching', async () => {
    let now = 0;
    const cache = new SingleFlightCache<number, string>(1000, 2, () => now);
    let calls = 0;
    const fetchOf = (value: string) => (): Promise<string> => {
      calls++;
      return Promise.resolve(value);
    };
    assert.equal(await cache.get(1, fetchOf('one')), 'one');
    assert.equal(await cache.get(2, fetchOf('two')), 'two');
    assert.equal(cache.get(3, fetchOf('three')), 'two');
    assert.equal(calls, 2);
    assert.equal(cache.size, 2);
    now = 1000;
    assert.equal(await cache.get(3, fetchOf('three')), 'three');
    assert.equal(calls, 3);
    assert.equal(cache.size, 2);
  });

  it('bounds fetches for many distinct keys to maxEntries per ttl', async () => {
    const cache = new SingleFlightCache<number, string>(1000, 4, () => 0);
    let calls = 0;
    const fetch = (): Promise<string> => {
      calls++;
      return Promise.resolve('x');
    };
    for (let key = 0; key < 10_000; key++) await cache.get(key, fetch);
    assert.equal(calls, 4);
  });

  it('fetches again after clear(), while a fetch in flight still serves its callers', async () => {
    const cache = new SingleFlightCache<number, string>(60_000, 8, () => 0);
    assert.equal(await cache.get(1, () => Promise.resolve('old')), 'old');
    const source = manualFetch<string>();
    cache.clear();
    const inFlight = cache.get(1, source.fetch);
    cache.clear();
    assert.equal(cache.get(1, source.fetch), inFlight);
    source.pending[0]!('new');
    assert.equal(await inFlight, 'new');
    assert.equal(source.calls, 1);
  });
});
