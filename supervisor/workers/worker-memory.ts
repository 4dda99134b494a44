import { readFile } from 'node:fs/promises';

/**
 * Resident memory of a worker process in bytes, from the `VmRSS` line of `/proc/<pid>/status`
 * (the supervisor reads its children's without asking them over IPC). Null without a pid or
 * off Linux.
 */
export async function workerMemory(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}
