#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with Node's test runner. Node 20 does
// not expand globs itself, so the files are listed here. Optional arguments filter by path
// substring: `node test/run.mjs unit/config e2e/reload`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = path.join(root, 'dist', 'test');

function collect(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) found.push(...collect(full));
    else if (name.endsWith('.test.js')) found.push(full);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = collect(testRoot)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${testRoot}${filters.length ? ` matching ${filters.join(', ')}` : ''}; run "npm run build" first`);
  process.exit(1);
}
// With CI=true a skipped test is a failure: CI must never pass by skipping (a missing tool is
// installed by .ci/run, not skipped). The TAP stream is passed through and its SKIP lines collected.
const ci = process.env.CI === 'true';
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: ['inherit', ci ? 'pipe' : 'inherit', 'inherit'], cwd: root });
const skipped = [];
if (ci) {
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    const skip = /^\s*ok \d+ - (.*) # SKIP\b(.*)$/.exec(line);
    if (skip) skipped.push(`${skip[1]}:${skip[2] || ' (no reason given)'}`);
  });
}
child.on('close', (code, signal) => {
  if (skipped.length > 0) {
    console.error(`\nCI=true: ${skipped.length} skipped test(s) count as failures:`);
    for (const line of skipped) console.error(`  - ${line}`);
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
