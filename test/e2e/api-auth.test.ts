import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, METRICS_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';

test('API auth: health and version are open; /api/proxies needs proxies:read', async (t) => {
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());

  assert.deepEqual((await sup.api('GET', '/api/health')).body, { status: 'ok' });
  const version = await sup.api('GET', '/api/version');
  assert.equal(version.status, 200);
  assert.equal(version.body.project, 'RouteX');
  assert.match(version.body.version, /^\d+\.\d+\.\d+/);

  const missing = await sup.api('GET', '/api/proxies');
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error.code, 'ERR_AUTH_MISSING_KEY');
  const wrong = await sup.api('GET', '/api/proxies', { key: 'not-a-key' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'ERR_AUTH_INVALID_KEY');
  const scope = await sup.api('GET', '/api/proxies', { key: METRICS_KEY });
  assert.equal(scope.status, 403);
  assert.match(scope.body.error.message, /proxies:read/);
  assert.equal((await sup.api('GET', '/api/proxies', { key: READ_KEY })).status, 200);
  assert.equal((await sup.api('GET', '/api/proxies', { key: ADMIN_KEY })).status, 200);
});

test('API auth: Bearer header and ?api_key= are accepted too', async (t) => {
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());
  const bearer = await fetch(`http://127.0.0.1:${sup.apiPort}/api/proxies`, { headers: { authorization: `Bearer ${READ_KEY}` } });
  assert.equal(bearer.status, 200);
  const query = await fetch(`http://127.0.0.1:${sup.apiPort}/api/proxies?api_key=${READ_KEY}`);
  assert.equal(query.status, 200);
});

test('API: unknown routes answer a JSON 404, and keys never reach the log', async (t) => {
  const sup = await SupervisorProcess.start();
  t.after(() => sup.stop());
  const response = await sup.api('GET', '/api/nope', { key: ADMIN_KEY });
  assert.equal(response.status, 404);
  assert.equal(response.body.error.code, 'ERR_NOT_FOUND');
  await fetch(`http://127.0.0.1:${sup.apiPort}/api/proxies?api_key=${READ_KEY}`);
  const all = sup.logLines.join('\n');
  for (const key of [ADMIN_KEY, READ_KEY, METRICS_KEY]) assert.equal(all.includes(key), false, 'a key appeared in the log');
});
