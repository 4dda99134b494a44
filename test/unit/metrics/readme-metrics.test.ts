import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { METRIC_FAMILIES } from '../../../supervisor/metrics/metric-families.js';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../README.md');

test('the README\'s metrics table names every metric family with its type and key', () => {
  const text = readFileSync(README, 'utf8');
  for (const family of METRIC_FAMILIES) {
    const rows = text.split('\n').filter((line) => line.startsWith(`| \`${family.name}\` | ${family.type} |`));
    assert.equal(rows.length, 1, `README has no row for ${family.name} (${family.type})`);
    assert.ok(rows[0]!.includes(`\`${family.key}\``), `${family.name}: ${rows[0]}`);
  }
});
