import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { errorHandler } from '../../../supervisor/api/api-error.js';
import { dashboardRouter } from '../../../supervisor/dashboard/dashboard-router.js';

test('without a build, /dashboard/ answers 503 ERR_DASHBOARD_NOT_BUILT naming the command, still with the CSP', async (t) => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'routex-dash-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const app = express();
  app.use(dashboardRouter(empty));
  app.use(errorHandler(() => undefined));
  const server = app.listen(0, '127.0.0.1');
  t.after(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const response = await fetch(`${base}/dashboard/`);
  assert.equal(response.status, 503);
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'ERR_DASHBOARD_NOT_BUILT');
  assert.match(body.error.message, /npm run build/);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.equal((await fetch(`${base}/`, { redirect: 'manual' })).status, 302);
});
