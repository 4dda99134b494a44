// Polls GET /api/health from a process of its own (so the test's own work cannot delay the
// measurement) and reports the slowest answer when asked. Forked by health-poller.ts.
import http from 'node:http';

const port = Number(process.argv[2]);
/** Stop by itself after this many polls (0: only when told). */
const count = Number(process.argv[3] ?? 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let slowestMs = 0;
let answered = 0;
let failed = 0;
let stopped = false;

function poll(): Promise<void> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        slowestMs = Math.max(slowestMs, performance.now() - startedAt);
        if (res.statusCode === 200) answered++;
        else failed++;
        resolve();
      });
    });
    req.on('error', () => {
      failed++;
      resolve();
    });
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
process.send!({ slowestMs, answered, failed }, () => process.exit(0));
