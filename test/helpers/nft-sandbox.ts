// nft in a network namespace of its own that lives as long as one command (`unshare --net`):
// scripts can be applied for real and checked, and nothing is left behind, whatever happens.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { missingTool } from './system-tools.js';

/** Why nft cannot be run in a sandbox here, or false when it can. */
export function nftSandboxUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'nft needs root (or CAP_NET_ADMIN in a namespace of its own)';
  return missingTool('nft', 'nftables') || missingTool('unshare', 'util-linux');
}

export interface SandboxStep {
  script: string[];
  /** `nft -c`: check only (the kernel validates, nothing changes). */
  check?: boolean;
}

/**
 * Runs the steps in order in one fresh namespace, then `after` (an nft command, e.g. `-j list
 * table inet routex`). Resolves with the exit code, stderr and `after`'s output.
 */
export function runInSandbox(steps: SandboxStep[], after: string[] = []): { status: number; stderr: string; stdout: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rxk-nft-'));
  try {
    const commands = steps.map((step, i) => {
      const file = path.join(dir, `step${i}.nft`);
      writeFileSync(file, `${step.script.join('\n')}\n`);
      return `nft ${step.check ? '-c ' : ''}-f ${file}`;
    });
    if (after.length > 0) commands.push(`nft ${after.join(' ')}`);
    const result = spawnSync('unshare', ['--net', 'sh', '-ec', commands.join('\n')], { encoding: 'utf8', timeout: 20_000 });
    return { status: result.status ?? -1, stderr: result.stderr, stdout: result.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
