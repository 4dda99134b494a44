// `npm run docs`: regenerates what is derived from the config schema, the counter table and the
// error registry: the README's configuration reference, metrics table and error codes, and
// configs/{global,proxy}.schema.json (for editors' YAML language servers). `--check` changes
// nothing and exits 1 when a file is out of date (for CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { globalJsonSchema, proxyJsonSchema } from '../../shared/config/json-schema.js';
import { renderConfigReference, replaceReference } from './config-reference.js';
import { METRICS_SECTION, renderMetricsReference } from './metrics-reference.js';
import { replaceSection } from './readme-section.js';
import { ERRORS_SECTION, renderErrorReference } from './error-reference.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** configs/*.schema.json as written: two-space JSON and a final newline. */
export function schemaFileText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** README.md with every generated section rewritten. */
export function generatedReadme(readme: string): string {
  const withReference = replaceReference(readme, renderConfigReference());
  return replaceSection(replaceSection(withReference, METRICS_SECTION, renderMetricsReference()), ERRORS_SECTION, renderErrorReference());
}

/** Every generated file: repo-relative path → the content it should have. */
export function generatedFiles(readme: string): Record<string, string> {
  return {
    'README.md': generatedReadme(readme),
    'configs/global.schema.json': schemaFileText(globalJsonSchema()),
    'configs/proxy.schema.json': schemaFileText(proxyJsonSchema()),
  };
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const files = generatedFiles(readFileSync(`${REPO_ROOT}README.md`, 'utf8'));
  let stale = 0;
  for (const [relative, text] of Object.entries(files)) {
    const file = `${REPO_ROOT}${relative}`;
    if (readOrEmpty(file) === text) continue;
    stale++;
    if (check) {
      process.stderr.write(`${relative} is out of date: run npm run docs\n`);
    } else {
      writeFileSync(file, text);
      process.stdout.write(`wrote ${relative}\n`);
    }
  }
  if (stale === 0) process.stdout.write('docs up to date\n');
  return check && stale > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
