import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_KEY, CLI, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';

const KEYS = `  api_keys:
    - key: "${ADMIN_KEY}"
      label: "admin"
      permissions: ["*"]
    - key: "${READ_KEY}"
      label: "reader"
      permissions: ["proxies:read"]
`;

function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

function runOnce(globalYaml: string): { status: number | null; stderr: string; stdout: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-api-'));
  try {
    mkdirSync(path.join(dir, 'proxies'));
    writeFileSync(path.join(dir, 'global.yaml'), globalYaml);
    const result = spawnSync(process.execPath, [CLI, '--config', path.join(dir, 'global.yaml')], { encoding: 'utf8', timeout: 15_000 });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('api.tls serves the API over HTTPS with the given certificate', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = selfSignedCert(dir);
  const sup = await SupervisorProcess.start({
    globalYaml: `api:\n  enabled: true\n  bind: "127.0.0.1:{{API_PORT}}"\n${KEYS}  tls:\n    enabled: true\n    cert: "${cert}"\n    key: "${key}"\n`,
    https: true,
  });
  t.after(() => sup.stop());
  assert.equal((await fetch(`http://127.0.0.1:${sup.apiPort}/api/health`).catch(() => null))?.status ?? 0, 0, 'no plain HTTP on a TLS listener');
  const body = await new Promise<string>((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port: sup.apiPort, path: '/api/health', ca: readFileSync(cert, 'utf8'), checkServerIdentity: () => undefined }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c)).on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  assert.deepEqual(JSON.parse(body), { status: 'ok' });
});

test('a bad TLS certificate is a clear startup error', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-tls-'));
  try {
    writeFileSync(path.join(dir, 'cert.pem'), 'not a certificate');
    writeFileSync(path.join(dir, 'key.pem'), 'not a key');
    const result = runOnce(`api:\n  enabled: true\n  bind: "127.0.0.1:${40000 + Math.floor(Math.random() * 1000)}"\n${KEYS}  tls:\n    enabled: true\n    cert: "${dir}/cert.pem"\n    key: "${dir}/key.pem"\n`);
    assert.equal(result.status, 1);
    assert.match(result.stdout + result.stderr, /TLS certificate or key/);
    const missing = runOnce(`api:\n  enabled: true\n  bind: "127.0.0.1:${40000 + Math.floor(Math.random() * 1000)}"\n${KEYS}  tls:\n    enabled: true\n    cert: "${dir}/nope.pem"\n    key: "${dir}/key.pem"\n`);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout + missing.stderr, /cannot read API TLS files.*nope\.pem/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped example keys are refused on a non-loopback bind', async () => {
  const port = await freePort();
  const result = runOnce(`api:\n  enabled: true\n  bind: "0.0.0.0:${port}"\n  api_keys:\n    - key: "pk_admin_change_me_0000000000"\n      label: "admin"\n      permissions: ["*"]\n`);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /shipped example/);
});

test('CORS is off by default and on for the listed origins only', async (t) => {
  const sup = await SupervisorProcess.start({ globalExtra: '' });
  t.after(() => sup.stop());
  const plain = await fetch(`http://127.0.0.1:${sup.apiPort}/api/health`, { headers: { origin: 'https://dash.example' } });
  assert.equal(plain.headers.get('access-control-allow-origin'), null);

  const withCors = await SupervisorProcess.start({
    globalYaml: `api:\n  enabled: true\n  bind: "127.0.0.1:{{API_PORT}}"\n${KEYS}  cors_origins: ["https://dash.example"]\nlogging:\n  format: json\n`,
  });
  t.after(() => withCors.stop());
  const preflight = await fetch(`http://127.0.0.1:${withCors.apiPort}/api/proxies`, {
    method: 'OPTIONS',
    headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://dash.example');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-API-Key/);
  const other = await fetch(`http://127.0.0.1:${withCors.apiPort}/api/health`, { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('bodies over api.max_body_bytes answer 413 and change nothing', async (t) => {
  const sup = await SupervisorProcess.start({
    globalYaml: `api:\n  enabled: true\n  bind: "127.0.0.1:{{API_PORT}}"\n${KEYS}  max_body_bytes: 2048\nlogging:\n  format: json\n`,
  });
  t.after(() => sup.stop());
  const response = await sup.api('POST', '/api/proxies', { key: ADMIN_KEY, rawBody: `# ${'x'.repeat(4000)}\nname: big\n`, contentType: 'application/yaml' });
  assert.equal(response.status, 413);
  assert.equal(response.body.error.code, 'ERR_BODY_TOO_LARGE');
  assert.equal((await sup.proxies()).length, 0);
});

test('api.enabled: false opens no API listener at all', async () => {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-noapi-'));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), `api:\n  enabled: false\n  bind: "127.0.0.1:${port}"\nlogging:\n  format: json\n`);
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [CLI, '--config', path.join(dir, 'global.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  try {
    const { waitFor } = await import('../helpers/wait-for.js');
    await waitFor('the supervisor to finish starting', () => out.includes('routex started'));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/api/health`));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
