// The header we send costs one buffer per connection and nothing else: no strings, no arrays, no
// option objects. Measured in a child process per header kind, with a young generation too large
// to be collected during the loop (heap bytes, not time).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HEADER_KINDS } from '../../helpers/header-allocation-probe.js';

const PROBE = fileURLToPath(new URL('../../helpers/header-allocation-probe.js', import.meta.url));

describe('PROXY header encoder allocations', () => {
  for (const kind of HEADER_KINDS) {
    it(`allocates nothing per ${kind} header beyond the header buffer`, () => {
      const run = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', '--no-concurrent-recompilation', PROBE, kind], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const { encode, bufferOnly } = JSON.parse(run.stdout) as { encode: number; bufferOnly: number };
      assert.ok(bufferOnly > 0, 'the probe measured nothing');
      // A few bytes of slack for the heap's own bookkeeping; any object, string or boxed number costs ≥ 12.
      assert.ok(encode <= bufferOnly + 4, `${encode.toFixed(1)} heap bytes per header, ${bufferOnly.toFixed(1)} for the buffer alone`);
    });
  }
});
