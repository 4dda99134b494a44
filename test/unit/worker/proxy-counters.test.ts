import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerNames, zeroWorkerValues } from '../../../shared/counters/counters.js';
import { parseProxy } from '../config/config-fixtures.js';
import { Pool } from '../../../proxy-worker/balancer/pool.js';
import { createProxyCounters, takeReport } from '../../../proxy-worker/runtime/proxy-counters.js';
import { emptyAclCounts } from '../../../shared/acl/acl-counts.js';

const COUNTERS_MODULE = fileURLToPath(new URL('../../../proxy-worker/runtime/proxy-counters.js', import.meta.url));

test('a report carries every worker value; counters start again at 0, gauges keep their level', () => {
  const config = parseProxy({ name: 'mc', 'dest-ip': '10.0.0.1', 'dest-port': 25565 }).config!;
  const pool = new Pool(config);
  const counters = createProxyCounters();
  for (const name of workerNames('proxy')) counters[name] = 7;
  pool.upstreams[0]!.acquire();
  pool.upstreams[0]!.bytesIn += 100;
  const report = takeReport(counters, pool, emptyAclCounts(), { blocked: {}, events: {} });
  for (const name of workerNames('proxy')) assert.equal(report[name], 7, name);
  for (const name of workerNames('proxy', 'counter')) assert.equal(counters[name], 0, `${name} is a delta`);
  for (const name of workerNames('proxy', 'gauge')) assert.equal(counters[name], 7, `${name} is a level`);
  assert.deepEqual(report.upstreams, [{ ...zeroWorkerValues('upstream'), ip: '10.0.0.1', port: 25565, healthy: true, active: 1, opened: 1, bytesIn: 100 }]);
  const next = takeReport(counters, pool, emptyAclCounts(), { blocked: {}, events: {} }).upstreams[0]!;
  assert.deepEqual([next.active, next.opened, next.bytesIn], [1, 0, 0]);
});

// The data path bumps these fields on every chunk: the object must stay a fast-properties object
// (a hidden class with fixed slots), not a dictionary, whatever the table's size. V8's own check.
test('the worker\'s counters object keeps fast properties after the data path has bumped every field', () => {
  const script = `
    const { createProxyCounters, takeReport } = await import(${JSON.stringify(COUNTERS_MODULE)});
    const counters = createProxyCounters();
    for (let round = 0; round < 1000; round++) for (const name of Object.keys(counters)) counters[name] += round === 500 ? 2 ** 40 : 1;
    takeReport(counters, { upstreams: [] }, {});
    console.log(JSON.stringify({ fast: %HasFastProperties(counters), sameShape: %HaveSameMap(createProxyCounters(), createProxyCounters()) }));`;
  const result = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { fast: true, sameShape: true });
});
