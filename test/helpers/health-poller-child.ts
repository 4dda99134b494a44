// Polls GET /api/health from a process of its own (so the test's own work cannot delay the
// measurement) and reports the slowest answer when asked. Forked by health-poller.ts.
//
// Each answer's time is also split by the kernel's scheduler statistics
// (/proc/<pid>/task/<pid>/schedstat): how long the supervisor's main thread ran while the poll was
// open (its event loop's work the answer waited behind), and how long it and this poller's thread
// sat runnable but waiting for a CPU (the machine's load). The time less that wait — the
// supervisor running, or blocked on something of its own — is the supervisor's share of the delay.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const port = Number(process.argv[2]);
/** Stop by itself after this many polls (0: only when told). */
const count = Number(process.argv[3] ?? 0);
/** The supervisor's pid, whose main thread's scheduler statistics are read (0: none). */
const supervisorPid = Number(process.argv[4] ?? 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

interface Poll {
  ms: number;
  /** Time the supervisor's main thread and this poller waited for a CPU during the poll. */
  waitedForCpuMs: number;
  /** CPU time the supervisor's main thread used during the poll. */
  supervisorRanMs: number;
}

let slowest: Poll = { ms: 0, waitedForCpuMs: 0, supervisorRanMs: 0 };
let slowestOwn: Poll = slowest;
let busiest: Poll = slowest;
let answered = 0;
let failed = 0;
let stopped = false;

/** [ran, waited] in ns of a thread (a process's main thread has the process's id), or [0, 0]. */
function schedstat(pid: number): [number, number] {
  if (pid === 0) return [0, 0];
  try {
    const [ran, waited] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return [ran ?? 0, waited ?? 0];
  } catch {
    return [0, 0];
  }
}

const own = (poll: Poll): number => Math.max(0, poll.ms - poll.waitedForCpuMs);

function poll(): Promise<void> {
  return new Promise((resolve) => {
    const [supRan, supWaited] = schedstat(supervisorPid);
    const [, pollerWaited] = schedstat(process.pid);
    const startedAt = performance.now();
    const done = (ok: boolean): void => {
      const ms = performance.now() - startedAt;
      const [supRanAfter, supWaitedAfter] = schedstat(supervisorPid);
      const [, pollerWaitedAfter] = schedstat(process.pid);
      const result: Poll = { ms, waitedForCpuMs: (supWaitedAfter - supWaited + pollerWaitedAfter - pollerWaited) / 1e6, supervisorRanMs: (supRanAfter - supRan) / 1e6 };
      if (result.ms > slowest.ms) slowest = result;
      if (own(result) > own(slowestOwn)) slowestOwn = result;
      if (result.supervisorRanMs > busiest.supervisorRanMs) busiest = result;
      if (ok) answered++;
      else failed++;
      resolve();
    };
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode === 200));
    });
    req.on('error', () => done(false));
  });
}

process.on('message', () => {
  stopped = true;
});

let first = true;
while (!stopped && (count === 0 || answered + failed < count)) {
  await poll();
  if (first) process.send!({ ready: true });
  first = false;
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const report = { slowestMs: slowest.ms, slowest, slowestOwnMs: own(slowestOwn), slowestOwn, busiest, answered, failed };
process.send!(report, () => process.exit(0));
