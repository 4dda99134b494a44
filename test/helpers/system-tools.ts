import { spawnSync } from 'node:child_process';

/** Why a test that needs `tool` cannot run here (`apt-get install <aptPackage>`), or false when it can. */
export function missingTool(tool: string, aptPackage: string): string | false {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status === 0 ? false : `${tool} is not installed (apt-get install ${aptPackage})`;
}
