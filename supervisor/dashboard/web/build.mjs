#!/usr/bin/env node
// Builds the web dashboard into dist/dashboard/: one JS and one CSS bundle whose names carry a
// content hash (served as immutable), and index.html pointing at them (served no-cache).
// Everything the page loads comes from here: no CDN, no inline script or style.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../../dist/dashboard');
const assets = path.join(out, 'assets');

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: { app: path.join(here, 'main.tsx') },
  bundle: true,
  format: 'esm',
  target: ['chrome111', 'firefox111', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  outdir: assets,
  entryNames: '[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const js = outputs.find((f) => /^app-\w+\.js$/.test(f));
const css = outputs.find((f) => /^app-\w+\.css$/.test(f));
if (js === undefined || css === undefined) throw new Error(`esbuild made no app bundle: ${outputs.join(', ')}`);

const html = readFileSync(path.join(here, 'index.html'), 'utf8').replace('{{JS}}', `assets/${js}`).replace('{{CSS}}', `assets/${css}`);
writeFileSync(path.join(out, 'index.html'), html);
copyFileSync(path.join(here, 'favicon.svg'), path.join(assets, 'favicon.svg'));
process.stdout.write(`dashboard: dist/dashboard/assets/${js}, ${css}\n`);
