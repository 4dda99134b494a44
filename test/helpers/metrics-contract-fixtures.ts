import assert from 'node:assert/strict';
import type { Fixture } from './api-contract-fixtures.js';

function read(operation: string, path: string, check?: Fixture['check']): Fixture {
  return { operation, method: 'GET', order: 0, expect: 200, path: async () => path, check };
}

/**
 * The metrics, history and bandwidth routes against the contract world (`alpha` running with one
 * open connection). The text formats are checked in e2e/metrics.test.ts; here JSON is.
 */
export function metricsFixtures(): Fixture[] {
  return [
    read('GET /metrics', '/metrics?format=json', (b) => assert.ok(b.proxies.some((p: any) => p.proxy === 'alpha' && p.running === 1))),
    read('GET /metrics/proxy/{name}', '/metrics/proxy/alpha', (b) => assert.equal(b.proxy, 'alpha')),
    read('GET /api/stats/proxy/{name}/history', '/api/stats/proxy/alpha/history?hours=1&limit=10&step=60', (b) => assert.equal(b.metrics_enabled, false)),
    read('GET /api/bandwidth/proxy/{name}', '/api/bandwidth/proxy/alpha', (b) => assert.equal(b.name, 'alpha')),
    {
      operation: 'POST /api/bandwidth/proxy/{name}/reset',
      method: 'POST',
      order: 40,
      expect: 200,
      path: async () => '/api/bandwidth/proxy/alpha/reset',
      check: (b) => assert.equal(b.bandwidth.daily_used, 0),
    },
  ];
}
