import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/supervisor-process.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function routex(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('routex check: the shipped configs are valid', () => {
  const result = routex(['check', '--config', path.join(REPO_ROOT, 'configs/global.yaml')]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /configuration ok/);
});

test('routex check: a broken proxy file exits non-zero naming file, field and reason', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\n');
  writeFileSync(
    path.join(dir, 'proxies', 'broken.yaml'),
    'name: broken\norigin-ip: "127.0.0.1"\norigin-port: "30000:29000"\ndest-ip: "127.0.0.1"\ndest-port: "40000"\nprotocol: "tcp"\ntimeouts:\n  client_raed: 5s\n',
  );
  writeFileSync(path.join(dir, 'proxies', 'good.yaml'), 'name: good\norigin-ip: "127.0.0.1"\norigin-port: "30001"\ndest-ip: "127.0.0.1"\ndest-port: "40001"\nprotocol: "tcp"\n');
  const result = routex(['check', '--config', path.join(dir, 'global.yaml')]);
  assert.equal(result.status, 1);
  const file = path.join(dir, 'proxies', 'broken.yaml');
  assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: origin-port: .*low`));
  assert.match(result.stderr, /timeouts\.client_raed: unknown key "client_raed" \(did you mean "client_read"\?\)/);
  assert.doesNotMatch(result.stderr, /good\.yaml/);
});

test('routex: an invalid global.yaml stops the start with a clear message and exit 1', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: true\n  bind: "127.0.0.1:notaport"\n');
  const result = routex(['--config', path.join(dir, 'global.yaml')]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /global\.yaml: api\.bind: /);
});

test('routex --version prints the version', () => {
  const result = routex(['--version']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^routex \d+\.\d+\.\d+/);
});

test('routex: a missing proxies folder stops the start with a clear message and exit 1', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\nlogging:\n  format: text\n');
  const result = routex(['--config', path.join(dir, 'global.yaml')]);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /the proxies folder .*proxies does not exist/);
});

test('routex check: a port range past max_listeners names the field and the count; max_listeners allows it', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\n');
  const file = path.join(dir, 'proxies', 'wide.yaml');
  const yaml = 'name: wide\norigin-ip: "127.0.0.1"\norigin-port: "20000:21500"\ndest-ip: "127.0.0.1"\ndest-port: "40000"\nprotocol: "tcp"\n';
  writeFileSync(file, yaml);
  const refused = routex(['check', '--config', path.join(dir, 'global.yaml')]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /wide\.yaml: origin-port: opens 1501 listeners .*more than max_listeners \(1000\)/);
  writeFileSync(file, `${yaml}max_listeners: 2000\n`);
  const allowed = routex(['check', '--config', path.join(dir, 'global.yaml')]);
  assert.equal(allowed.status, 0, allowed.stderr);
});

test('routex check: a file with 150 problems prints its first 50 and how many more', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\n');
  const head = 'name: many\norigin-ip: "127.0.0.1"\norigin-port: "30002"\ndest-ip: "127.0.0.1"\ndest-port: "40002"\nprotocol: "tcp"\n';
  writeFileSync(path.join(dir, 'proxies', 'many.yaml'), head + Array.from({ length: 150 }, (_, i) => `unknown_${i}: 1\n`).join(''));
  const result = routex(['check', '--config', path.join(dir, 'global.yaml')]);
  assert.equal(result.status, 1);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.filter((l) => /many\.yaml: unknown_\d+: unknown key/.test(l)).length, 50);
  assert.match(result.stderr, /many\.yaml: … and 100 more errors in this file/);
  assert.equal(lines.at(-1), 'configuration invalid: 150 error(s)');
  assert.ok(lines.length <= 52, `${lines.length} lines`);
});

test('routex check: a file with 10,000 repeated keys is one problem: past the document limits', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'proxies'));
  writeFileSync(path.join(dir, 'global.yaml'), 'api:\n  enabled: false\n');
  writeFileSync(path.join(dir, 'proxies', 'dup.yaml'), 'name: dup\n'.repeat(10_000));
  const result = routex(['check', '--config', path.join(dir, 'global.yaml')]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /dup\.yaml: YAML document too complex at line 1, column 1: this mapping has more than 1000 keys/);
  assert.equal(result.stderr.trim().split('\n').at(-1), 'configuration invalid: 1 error(s)');
});
