import { formatIssue, type ConfigIssue } from '../shared/config/errors.js';
import { loadGlobalConfigFile } from '../shared/config/load-global.js';
import { checkProxySet } from '../shared/config/check-proxy-set.js';
import { readProxyDirectory } from './config/proxy-directory.js';
import { kernelPathProblem } from './kernel-path/kernel-check.js';
import { runCommand } from './firewall/command-runner.js';

export interface CheckResult {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  proxies: number;
  enabled: number;
}

/** Validates global.yaml and every proxy file, like `nginx -t`: nothing is started. */
export async function checkConfiguration(globalFile: string, proxiesDir: string): Promise<CheckResult> {
  const global = loadGlobalConfigFile(globalFile);
  if (global.config === undefined || global.issues.length > 0) {
    return { errors: global.issues, warnings: global.warnings, proxies: 0, enabled: 0 };
  }
  let files;
  try {
    files = (await readProxyDirectory(proxiesDir, global.config)).files;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { errors: [{ file: proxiesDir, path: '', message: `cannot list the proxies folder (${reason})` }], warnings: global.warnings, proxies: 0, enabled: 0 };
  }
  const errors = files.flatMap((f) => f.issues);
  const warnings = [...global.warnings, ...files.flatMap((f) => f.warnings)];
  const valid = files.filter((f) => f.config !== undefined && f.issues.length === 0);
  errors.push(...checkProxySet(valid.map((f) => ({ file: f.file, config: f.config!.enabled ? f.config! : { ...f.config!, listeners: [] } }))));
  // A data_path: kernel proxy needs nft, conntrack and the right to change the ruleset here.
  const kernel = valid.filter((f) => f.config!.enabled && f.config!.dataPath === 'kernel');
  const problem = kernel.length === 0 ? null : await kernelPathProblem(runCommand);
  for (const f of problem === null ? [] : kernel) errors.push({ file: f.file, path: 'data_path', message: `kernel forwarding cannot run here: ${problem}` });
  return { errors, warnings, proxies: files.length, enabled: valid.filter((f) => f.config!.enabled).length };
}

/** At most this many problems are printed per file; the rest are counted ("… and N more"). */
export const MAX_PRINTED_PER_FILE = 50;

/** Prints the problems of `kind`, at most MAX_PRINTED_PER_FILE per file, then how many more each file has. */
function printCapped(kind: 'error' | 'warning', issues: ConfigIssue[], err: NodeJS.WritableStream): void {
  const printed = new Map<string, number>();
  for (const issue of issues) {
    const count = (printed.get(issue.file) ?? 0) + 1;
    printed.set(issue.file, count);
    if (count <= MAX_PRINTED_PER_FILE) err.write(`${kind}: ${formatIssue(issue)}\n`);
  }
  for (const [file, count] of printed) {
    if (count > MAX_PRINTED_PER_FILE) err.write(`${kind}: ${file}: … and ${count - MAX_PRINTED_PER_FILE} more ${kind}s in this file\n`);
  }
}

export function printCheckResult(result: CheckResult, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  printCapped('warning', result.warnings, err);
  printCapped('error', result.errors, err);
  if (result.errors.length > 0) {
    err.write(`configuration invalid: ${result.errors.length} error(s)\n`);
    return 1;
  }
  out.write(`configuration ok: ${result.proxies} proxy file(s), ${result.enabled} enabled\n`);
  return 0;
}
