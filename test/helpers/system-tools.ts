import { spawnSync } from 'node:child_process';

/** Why a test that needs `tool` cannot run here (`apt-get install <aptPackage>`), or false when it can. */
export function missingTool(tool: string, aptPackage: string): string | false {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status === 0 ? false : `${tool} is not installed (apt-get install ${aptPackage})`;
}

/**
 * The `skip` of a test that needs something this machine may lack: the reason locally, but false
 * with CI=true, where the test then runs and must fail on the reason (a CI machine has every tool;
 * `.ci/run` installs them). Pair it with `failOnMissing` at the top of the test or suite.
 */
export function skipOutsideCi(reason: string | false): string | false {
  return process.env['CI'] === 'true' ? false : reason;
}

/** Throws `reason` (for CI runs, where a missing tool is a failure, not a skip). */
export function failOnMissing(reason: string | false): void {
  if (reason !== false) throw new Error(`${reason}; with CI=true this is a failure, not a skip`);
}
