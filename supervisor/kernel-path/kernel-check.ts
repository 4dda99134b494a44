import type { RunCommand } from '../firewall/command-runner.js';
import { probeConntrack } from './conntrack-client.js';
import { probeNft } from './nft-table.js';

/** Why data_path: kernel cannot run on this host (nft or conntrack missing, no permission), or null. */
export async function kernelPathProblem(run: RunCommand): Promise<string | null> {
  return (await probeNft(run)) ?? (await probeConntrack(run));
}
