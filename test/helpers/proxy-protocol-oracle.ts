import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ORACLE = fileURLToPath(new URL('../../../test/helpers/proxy-protocol-oracle.py', import.meta.url));

/** What the independent Python decoder (proxy-protocol-oracle.py) makes of one input. */
export interface OracleResult {
  status: 'complete' | 'invalid' | 'incomplete';
  length?: number;
  version?: 1 | 2;
  command?: 'local' | 'proxy';
  transport?: 'tcp' | 'udp' | null;
  source?: [string, number] | null;
  destination?: [string, number] | null;
  tlvs?: [number, string][];
}

/** Decodes every input with the Python oracle in one process run. */
export function oracleDecode(inputs: readonly Buffer[], maxHeaderBytes = 536): OracleResult[] {
  const run = spawnSync('python3', [ORACLE, String(maxHeaderBytes)], { input: inputs.map((b) => b.toString('hex')).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`proxy-protocol-oracle.py failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as OracleResult);
}
