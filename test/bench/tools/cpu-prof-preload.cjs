'use strict';
// Preloaded with NODE_OPTIONS="--require .../cpu-prof-preload.cjs" when BENCH_CPU_PROF=1.
// `--cpu-prof` is not allowed in NODE_OPTIONS and the supervisor forks its worker with its own
// execArgv, so the profiler is started here instead, in every Node process of the system under
// test (supervisor and worker alike), and the profile is written on a normal exit (process.exit,
// which RouteX's worker calls once drained). Output: $BENCH_PROF_DIR/<script>-<pid>.cpuprofile.
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROF_INTERVAL_US || 1000) });
  session.post('Profiler.start');
  const script = path.basename(process.argv[1] || 'node').replace(/\.[cm]?js$/, '');
  const role = process.argv[1] && process.argv[1].includes('proxy-worker') ? 'worker' : script;
  process.on('exit', () => {
    // same-thread inspector sessions answer synchronously, so this works inside 'exit'
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${role}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
