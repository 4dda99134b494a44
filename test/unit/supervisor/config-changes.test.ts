import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedSections } from '../../../supervisor/workers/config-changes.js';
import type { ProxyConfig } from '../../../shared/config/resolved-types.js';
import { parseProxy } from '../config/config-fixtures.js';

function proxy(fields: Record<string, unknown> = {}): ProxyConfig {
  const result = parseProxy(fields);
  assert.deepEqual(result.issues, []);
  assert.ok(result.config);
  return result.config;
}

describe('changedSections (the reload log line)', () => {
  it('is empty when nothing changed', () => {
    assert.deepEqual(changedSections(proxy(), proxy()), []);
  });

  it('names sections as the YAML file does', () => {
    const next = proxy({ load_balancing: { algorithm: 'random' }, timeouts: { client_read: '10s' }, connection_draining: { timeout: '5s' } });
    assert.deepEqual(changedSections(proxy(), next), ['connection_draining', 'load_balancing', 'timeouts']);
  });

  it('reports a listener change by its source key, not the derived listener list', () => {
    assert.deepEqual(changedSections(proxy(), proxy({ 'origin-port': 25566 })), ['origin-port']);
    assert.deepEqual(changedSections(proxy(), proxy({ protocol: 'tcp-udp' })), ['protocol']);
  });

  it('reports weights when only the weights of the same upstreams changed', () => {
    const before = proxy({ 'dest-ip': '10.0.0.1, 10.0.0.2', load_balancing: { algorithm: 'weighted' } });
    const after = proxy({ 'dest-ip': '10.0.0.1, 10.0.0.2', load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.1': 3 } } });
    assert.deepEqual(changedSections(before, after), ['load_balancing.upstream_weights']);
  });

  it('reports new upstreams as dest-ip, not as weights', () => {
    assert.deepEqual(changedSections(proxy(), proxy({ 'dest-ip': '10.0.0.1, 10.0.0.2' })), ['dest-ip']);
  });
});
