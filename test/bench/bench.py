#!/usr/bin/env python3
"""L4 proxy benchmark (loopback only): RouteX beside HAProxy, nginx stream and a bare Node relay.
See README.md. Normally started by run.sh (`npm run bench`), which installs/builds what is needed.

Topology (fixed ports, all on 127.0.0.1):
  backend : l4bench echo   tcp+udp :19100     iperf3 -s   tcp :5201
  proxy   : tcp+udp :19000 -> :19100          tcp :15201 -> :5201
  'direct': the load generators talk to :19100 / :5201 themselves.
Pinning (BENCH_PIN=1, default): load generators + backends on CPU 0, proxy on CPU 1.
"""
import argparse, atexit, json, os, resource, shlex, signal, socket, subprocess, sys, time
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
ROUTEX_DIR = os.path.abspath(os.environ.get('BENCH_ROUTEX_DIR') or REPO)   # where dist/supervisor/cli.js is
sys.path.insert(0, HERE)
import report, routex   # noqa: E402

BIN = os.path.join(HERE, 'bin', 'l4bench')
HOST = '127.0.0.1'
ECHO_PORT, IPERF_PORT = 19100, 5201
ECHO_PP_PORT = 19101    # the same echo, reading a PROXY v2 header at the start of each TCP connection
PX_PORT, PX_IPERF_PORT = 19000, 15201
SECS = float(os.environ.get('BENCH_SECS', '4'))
WARMUP = float(os.environ.get('BENCH_WARMUP', '1'))
PIN = os.environ.get('BENCH_PIN', '1') == '1'
IDLE_CONNS = int(os.environ.get('BENCH_IDLE_CONNS', '9000'))
CLK = os.sysconf('SC_CLK_TCK')
TMP = os.environ.get('BENCH_TMP', '/tmp/l4bench')
QUIET_WAIT = float(os.environ.get('BENCH_QUIET_WAIT', '15'))   # max s to wait for other processes to calm down
QUIET_BUDGET = [float(os.environ.get('BENCH_QUIET_BUDGET', '600'))]   # ... and in all, per run
CPU_PROF = os.environ.get('BENCH_CPU_PROF', '0') == '1'       # node --cpu-prof for the Node systems
NOISE_RETRY = os.environ.get('BENCH_NOISE_RETRY', '1') == '1'    # rerun a case once if others used > 10 % CPU

CASES = ['idle', 'iperf-1', 'iperf-8', 'rr-1', 'rr-100', 'crr-32', 'udp-1', 'udp-100']
DEFAULT_SYSTEMS = 'direct,haproxy,nginx,node-naive,node-relay,routex-off,routex-game,routex-pp'


def node_cmd(script, env=None):
    return dict(cmd=['node', os.path.join(HERE, 'proxies', script),
                     f'{PX_PORT}:{HOST}:{ECHO_PORT}:both', f'{PX_IPERF_PORT}:{HOST}:{IPERF_PORT}:tcp'],
                udp=True, env=env or {})


def systems(outdir):
    conf = os.path.join(HERE, 'conf')
    ports = dict(px=PX_PORT, px_iperf=PX_IPERF_PORT, echo=ECHO_PORT, iperf=IPERF_PORT, echo_pp=ECHO_PP_PORT)
    s = {
        'direct': None,
        'direct-xcore': None,   # no proxy; load generator on CPU 1, backend on CPU 0 (cross-core floor)
        'haproxy': dict(cmd=['haproxy', '-db', '-f', os.path.join(conf, 'haproxy.cfg')], udp=False),
        'nginx': dict(cmd=['nginx', '-p', f'{TMP}/nginx/', '-c', os.path.join(conf, 'nginx.conf')],
                      udp=True, pre=f'mkdir -p {TMP}/nginx/logs'),
        # 2-thread / 2-worker variants, for unpinned runs (BENCH_PIN=0): same config, one line changed
        'haproxy-x2': dict(cmd=['haproxy', '-db', '-f', f'{TMP}/haproxy-x2.cfg'], udp=False,
                           pre=f"mkdir -p {TMP} && sed 's/nbthread 1/nbthread 2/' {conf}/haproxy.cfg > {TMP}/haproxy-x2.cfg"),
        'nginx-x2': dict(cmd=['nginx', '-p', f'{TMP}/nginx/', '-c', f'{TMP}/nginx/nginx-x2.conf'], udp=True,
                         pre=f"mkdir -p {TMP}/nginx/logs && sed 's/worker_processes 1;/worker_processes 2;/' "
                             f"{conf}/nginx.conf > {TMP}/nginx/nginx-x2.conf"),
        'haproxy-splice': dict(cmd=['haproxy', '-db', '-f', f'{TMP}/haproxy-splice.cfg'], udp=False,
                               pre=f"mkdir -p {TMP} && sed 's/^    mode tcp$/    mode tcp\\n    option splice-auto/; "
                                   f"s/^    maxconn 9900$/    maxconn 9900\\n    maxpipes 64/' {conf}/haproxy.cfg"
                                   f" > {TMP}/haproxy-splice.cfg"),
        'node-naive': node_cmd('node-naive.cjs'),
        'node-relay': node_cmd('node-relay.cjs'),
        'node-relay-x2': node_cmd('node-relay.cjs', {'WORKERS': '2'}),
        # RouteX as operators run it: the supervisor, which forks one worker for the one proxy file
        'routex-off': dict(routex=routex.RouteX(ROUTEX_DIR, 'off', ports, outdir, TMP), udp=True),
        'routex-game': dict(routex=routex.RouteX(ROUTEX_DIR, 'game', ports, outdir, TMP), udp=True),
        # routex-off + proxy_protocol.send.tcp: v2 (with UNIQUE_ID) to an echo that reads the header
        'routex-pp': dict(routex=routex.RouteX(ROUTEX_DIR, 'pp', ports, outdir, TMP), udp=True,
                          no_iperf='iperf3 cannot read a PROXY header'),
    }
    # Any other proxy: BENCH_CUSTOM_CMD must listen on the proxy ports above.
    if os.environ.get('BENCH_CUSTOM_CMD'):
        s[os.environ.get('BENCH_CUSTOM_NAME', 'custom')] = dict(
            cmd=shlex.split(os.environ['BENCH_CUSTOM_CMD']), udp=os.environ.get('BENCH_CUSTOM_UDP', '1') == '1')
    return s


def pin(cpu):
    return ['taskset', '-c', str(cpu)] if PIN else []


# ---------- /proc helpers ----------
def tree(pid):
    pids, frontier = [pid], [pid]
    while frontier:
        p = frontier.pop()
        try:
            kids = open(f'/proc/{p}/task/{p}/children').read().split()
        except OSError:
            kids = []
        for k in kids:
            pids.append(int(k)); frontier.append(int(k))
    return pids


def cpu_s(pids):
    t = 0.0
    for p in pids:
        try:
            f = open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()
            t += (int(f[11]) + int(f[12])) / CLK
        except OSError:
            pass
    return t


def status_kb(pids, key):
    t = 0
    for p in pids:
        try:
            for line in open(f'/proc/{p}/status'):
                if line.startswith(key + ':'):
                    t += int(line.split()[1])
        except OSError:
            pass
    return t


def foreign_ticks(exclude):
    """CPU ticks of every user-space process that is not part of the bench (noise indicator:
    other builds/tests on this 2-core box skew the figures)."""
    me, out = os.getpid(), {}
    for d in os.listdir('/proc'):
        if not d.isdigit(): continue
        p = int(d)
        if p in exclude or p == me: continue
        try:
            head, tail = open(f'/proc/{p}/stat').read().rsplit(')', 1)
        except OSError:
            continue
        f = tail.split()
        ppid = int(f[1])
        if p == 2 or ppid == 2 or ppid == me: continue      # kernel threads, our load generators
        # utime+stime+cutime+cstime: children that ran and were reaped in between show up in the parent
        out[p] = (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14]), head.split('(', 1)[1])
    return out


def foreign_used(f0, f1):
    """[(ticks, name)] used between two foreign_ticks() snapshots, largest first. A process that
    exited in between is counted through its parent's cutime, so its earlier ticks are taken off."""
    used = [(v - f0.get(p, (0, ''))[0], name) for p, (v, name) in f1.items()]
    used += [(-v, name) for p, (v, name) in f0.items() if p not in f1]
    return sorted(used, reverse=True)


def wait_quiet(exclude):
    """Wait (at most QUIET_WAIT s) until processes outside the bench use < 10 % of a core over 0.5 s.
    Returns the seconds waited, or None if it never got quiet."""
    t0 = time.time()
    try:
        while True:
            a = foreign_ticks(exclude); time.sleep(0.5); b = foreign_ticks(exclude)
            used = sum(u for u, _ in foreign_used(a, b)) / CLK
            if used < 0.05:
                return round(time.time() - t0, 1)
            if time.time() - t0 > min(QUIET_WAIT, QUIET_BUDGET[0]):
                return None
    finally:
        QUIET_BUDGET[0] -= time.time() - t0


def cpu_idle_ticks(cpu):
    for line in open('/proc/stat'):
        if line.startswith(f'cpu{cpu} '):
            f = line.split()
            return int(f[4]) + int(f[5])      # idle + iowait
    return 0


def steal_ticks():
    try:
        return int(open('/proc/stat').readline().split()[8])
    except (OSError, IndexError, ValueError):
        return 0


def proc_info(pids):
    """name, allowed CPUs and RSS of every process in the tree (to check the pinning)."""
    out = []
    for p in pids:
        try:
            st = {l.split(':', 1)[0]: l.split(':', 1)[1].strip() for l in open(f'/proc/{p}/status')}
            cmd = open(f'/proc/{p}/cmdline').read().replace('\0', ' ').strip()
            out.append(dict(pid=p, cmd=cmd[:120], cpus=st.get('Cpus_allowed_list'),
                            rss_mb=round(int(st.get('VmRSS', '0 kB').split()[0]) / 1024, 1)))
        except OSError:
            pass
    return out


def wait_port(port, timeout=8.0, proc=None):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            socket.create_connection((HOST, port), 0.2).close(); return True
        except OSError:
            time.sleep(0.05)
    return False


def run_child(cmd, timeout, env=None):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill(); out, err = p.communicate()
    return out, err, p.returncode


def parse_result(out):
    for line in out.splitlines():
        if line.startswith('RESULT'):
            return {k: (float(v) if v.replace('.', '', 1).replace('-', '', 1).isdigit() else v)
                    for k, v in (x.split('=', 1) for x in line.split()[1:])}
    return None


# ---------- backends ----------
class Backends:
    def __init__(self):
        self.procs = []

    def start(self):
        for port in (ECHO_PORT, ECHO_PP_PORT, IPERF_PORT, PX_PORT, PX_IPERF_PORT):
            if wait_port(port, 0.3):
                sys.exit(f'port 127.0.0.1:{port} is already in use: stop whatever listens there first')
        self.procs.append(subprocess.Popen(pin(0) + [BIN, 'echo', str(ECHO_PORT)], stderr=subprocess.DEVNULL))
        self.procs.append(subprocess.Popen(pin(0) + [BIN, 'echo', str(ECHO_PP_PORT)], stderr=subprocess.DEVNULL,
                                           env=dict(os.environ, L4B_PROXY_V2='1')))
        self.procs.append(subprocess.Popen(pin(0) + ['iperf3', '-s', '-B', HOST, '-p', str(IPERF_PORT)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not (wait_port(ECHO_PORT) and wait_port(ECHO_PP_PORT) and wait_port(IPERF_PORT)):
            self.stop(); sys.exit('backends did not start')

    def cpu(self):
        return cpu_s([p.pid for p in self.procs])

    def pids(self):
        return [p.pid for p in self.procs]

    def alive(self):
        return all(p.poll() is None for p in self.procs)

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try: p.wait(5)
            except subprocess.TimeoutExpired: p.kill(); p.wait()


# ---------- one case ----------
def run_case(case, sysname, proxy_pid, backends, udp_ok):
    direct = proxy_pid is None
    cpin = pin(1) if sysname == 'direct-xcore' else pin(0)     # where the load generator runs
    port = ECHO_PORT if direct else PX_PORT
    iport = IPERF_PORT if direct else PX_IPERF_PORT
    pids = tree(proxy_pid) if proxy_pid else []
    rec = dict(system=sysname, case=case, pinned=PIN, t=time.time())
    if case.startswith('udp') and not udp_ok:
        rec['skipped'] = 'no UDP support'; return rec
    if case == 'idle' and direct:
        rec['skipped'] = 'no proxy'; return rec
    env_w = dict(os.environ, L4B_WARMUP=str(WARMUP))
    c0, croot0, b0 = cpu_s(pids), cpu_s(pids[:1]), backends.cpu()
    excl = set(pids) | set(backends.pids())
    f0, st0, idle0 = foreign_ticks(excl), steal_ticks(), cpu_idle_ticks(1)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.time()
    if case == 'idle':
        rss0 = status_kb(pids, 'VmRSS')
        p = subprocess.Popen(cpin + [BIN, 'tcp-idle', HOST, str(port), str(IDLE_CONNS), '60'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()           # l4bench bounds the ramp-up (30 s) and each connect (2 s)
        time.sleep(2.0)
        samples = []
        for _ in range(5):
            samples.append(status_kb(tree(proxy_pid), 'VmRSS')); time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill(); out, err = p.communicate()
        est = int(line.split('established=')[1].split()[0]) if 'established=' in line else 0
        rss1 = max(samples)
        per = (rss1 - rss0) / est if est else None
        rec.update(value=rss1 / 1024, unit='MiB', rss_before_mb=rss0 / 1024, established=est,
                   kib_per_conn=per, est_10k_mb=(rss0 + per * 10000) / 1024 if per else None)
        if est < IDLE_CONNS:
            rec['note'] = f'only {est} of {IDLE_CONNS} established; {err.strip()[-200:]}'
        if not est:
            rec = dict(system=sysname, case=case, pinned=PIN, t=rec['t'],
                       error=f'tcp-idle: no connection established: {line.strip()} {err.strip()[-300:]}')
    elif case.startswith('iperf'):
        n = case.split('-')[1]
        out, err, rc = run_child(cpin + ['iperf3', '-c', HOST, '-p', str(iport), '-t', str(SECS),
                                          '-O', str(int(WARMUP)), '-P', n, '-J'], SECS + WARMUP + 20)
        try:
            j = json.loads(out)
            rec.update(value=j['end']['sum_received']['bits_per_second'] / 1e9, unit='Gbit/s',
                       retransmits=j['end']['sum_sent'].get('retransmits'))
        except Exception as e:
            msg = ''
            try: msg = json.loads(out).get('error', '')
            except Exception: pass
            rec['error'] = f'iperf3 rc={rc}: {msg or e} {err.strip()[-300:]}'
    else:
        kind, n = case.split('-')
        mode, size = {'rr': ('tcp-rr', 64), 'crr': ('tcp-crr', 32), 'udp': ('udp-rr', 64)}[kind]
        out, err, rc = run_child(cpin + [BIN, mode, HOST, str(port), n, str(SECS), str(size)],
                                 SECS + WARMUP + 30, env_w)
        r = parse_result(out)
        if not r:
            rec['error'] = f'{mode}: rc={rc} {err.strip()[-300:]}'
        else:
            rec.update(value=r['rate'], unit='ops/s', p50_us=r['p50_us'], p99_us=r['p99_us'],
                       p999_us=r.get('p999_us'), errors=r.get('errors'), loss_pct=r.get('loss_pct'),
                       lost=r.get('lost'))
            if r['rate'] == 0:
                rec['error'] = f'{mode}: no operation completed (errors={r.get("errors")}) {err.strip()[-200:]}'
    wall = time.time() - w0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    rec['wall_s'] = round(wall, 2)
    if pids:
        rec['proxy_cpu_s'] = round(cpu_s(pids) - c0, 3)
        rec['proxy_cpu_pct'] = round(100 * rec['proxy_cpu_s'] / wall, 1)
        rec['proxy_root_cpu_s'] = round(cpu_s(pids[:1]) - croot0, 3)   # the supervisor/master alone
    rec['backend_cpu_s'] = round(backends.cpu() - b0, 3)
    f1 = foreign_ticks(excl | set(tree(proxy_pid) if proxy_pid else []))
    used = foreign_used(f0, f1)
    rec['other_cpu_s'] = round(max(0, sum(u for u, _ in used)) / CLK, 3)
    if rec['other_cpu_s'] > 0.1 * (time.time() - w0):
        rec['other_top'] = [f'{n}:{u / CLK:.2f}s' for u, n in used[:3] if u > 0]
    rec['steal_s'] = round((steal_ticks() - st0) / CLK, 3)
    rec['cpu1_idle_pct'] = round(100 * (cpu_idle_ticks(1) - idle0) / CLK / wall, 1)
    rec['client_cpu_s'] = round((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime), 3)
    if pids and rec.get('value') and 'error' not in rec:
        if rec['unit'] == 'ops/s':      # proxy CPU per operation (warmup included in both terms)
            rec['proxy_cpu_us_per_op'] = round(1e6 * rec['proxy_cpu_s'] / (rec['value'] * wall), 2)
        elif rec['unit'] == 'Gbit/s':   # proxy CPU seconds per GB forwarded
            rec['proxy_cpu_s_per_gb'] = round(rec['proxy_cpu_s'] / (rec['value'] * wall / 8), 3)
    return rec


def run_case_quiet(case, name, pid, backends, udp_ok):
    """run_case after waiting for a quiet machine; once more if other processes got busy meanwhile
    (a build or test suite of someone else on this 2-core box). idle is not rerun (it needs a fresh process)."""
    excl = set(tree(pid) if pid else []) | set(backends.pids())
    waited = wait_quiet(excl)
    rec = run_case(case, name, pid, backends, udp_ok)
    noisy = rec.get('other_cpu_s', 0) > 0.1 * rec.get('wall_s', 1e9)
    if noisy and NOISE_RETRY and case != 'idle' and 'skipped' not in rec:
        print(f"   ({name} {case}: other processes used {rec['other_cpu_s']} CPU s: {rec.get('other_top')}; rerunning once)",
              flush=True)
        waited2 = wait_quiet(excl)
        first = rec
        rec = run_case(case, name, pid, backends, udp_ok)
        rec['rerun_of_noisy'] = dict(value=first.get('value'), other_cpu_s=first['other_cpu_s'],
                                     other_top=first.get('other_top'))
        rec['quiet_wait_before_rerun_s'] = waited2
    rec['quiet_wait_s'] = waited
    return rec


# ---------- one system ----------
def start_system(name, spec, log, profdir=None):
    """Returns (proc, error)."""
    if spec.get('pre'):
        subprocess.run(spec['pre'], shell=True, check=True)
    rx = spec.get('routex')
    cmd = rx.cmd() if rx else spec['cmd']
    env = dict(os.environ, **spec.get('env', {}))
    if profdir and cmd[0] == 'node':     # the supervisor's forked worker inherits the environment
        os.makedirs(profdir, exist_ok=True)
        env['NODE_OPTIONS'] = (env.get('NODE_OPTIONS', '') + ' --require ' +
                               os.path.join(HERE, 'tools', 'cpu-prof-preload.cjs')).strip()
        env['BENCH_PROF_DIR'] = profdir
    proc = subprocess.Popen(pin(1) + cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    if rx and not rx.wait_ready(proc, float(os.environ.get('BENCH_START_TIMEOUT', '20'))):
        return proc, 'GET /api/health did not answer 200' + (f' (exited rc={proc.returncode})' if proc.poll() is not None else '')
    tmo = 20.0 if rx else 8.0
    need = [PX_PORT, PX_IPERF_PORT]
    if not all(wait_port(p, tmo, proc) for p in need):
        return proc, 'proxy ports did not open' + (f' (exited rc={proc.returncode})' if proc.poll() is not None else '')
    time.sleep(0.5)
    return proc, None


def outdir_of(logdir):
    return os.path.dirname(logdir)


def stop_system(spec, proc):
    rx = spec.get('routex')
    if rx:
        return rx.stop(proc)
    t0 = time.time()
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(5); clean = True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL); proc.wait(); clean = False
    return round(time.time() - t0, 2), clean


def run_system(name, spec, backends, cases, out, logdir, rnd):
    proc, pid = None, None
    if spec:
        logpath = os.path.join(logdir, f'{name}-r{rnd + 1}.log')
        with open(logpath, 'w') as log:
            proc, err = start_system(name, spec, log, CPU_PROF and os.path.join(outdir_of(logdir), 'profiles',
                                                                               f'{name}-r{rnd + 1}'))
        if err:
            print(f'!! {name} did not start: {err}; log: {logpath}', file=sys.stderr)
            tail = open(logpath, errors='replace').read()[-1500:]
            if tail.strip():
                print('   ' + tail.replace('\n', '\n   '), file=sys.stderr)
            stop_system(spec, proc)
            out.write(json.dumps(dict(system=name, case='_start', round=rnd + 1, error=err, log_tail=tail[-500:])) + '\n')
            out.flush()
            return
        pid = proc.pid
        info = proc_info(tree(pid))
        out.write(json.dumps(dict(system=name, case='_start', round=rnd + 1, procs=info)) + '\n')
        bad = [i for i in info if PIN and i['cpus'] != '1']
        if bad:
            print(f'!! {name}: not pinned to CPU 1: {bad}', file=sys.stderr)
    try:
        known = set(tree(pid)) if pid else set()
        for case in cases:
            if case.startswith('iperf') and spec and spec.get('no_iperf'):
                out.write(json.dumps(dict(system=name, case=case, pinned=PIN, round=rnd + 1, skipped=spec['no_iperf'])) + '\n')
                out.flush()
                continue
            rec = run_case_quiet(case, name, pid, backends, spec is None or spec.get('udp', True))
            rec['round'] = rnd + 1
            dead = False
            if pid:
                rec['proxy_rss_mb'] = round(status_kb(tree(pid), 'VmRSS') / 1024, 1)
                now = set(tree(pid)) if proc.poll() is None else set()
                if proc.poll() is not None:
                    dead = True
                    rec.setdefault('error', f'proxy exited rc={proc.returncode} during this case')
                elif known - now:
                    rec.setdefault('error', f'proxy child process(es) {sorted(known - now)} exited during this case '
                                            f'(worker crash or restart?); now {sorted(now)}')
                if dead or known - now:
                    tail = open(logpath, errors='replace').read()[-1500:]
                    print(f'!! {name}: {rec["error"]}; log {logpath}:\n   ' + tail.replace('\n', '\n   '),
                          file=sys.stderr)
                    rec['log_tail'] = tail[-500:]
                known = now
            out.write(json.dumps(rec) + '\n'); out.flush()
            print(fmt(rec), flush=True)
            if not backends.alive():
                raise RuntimeError('a backend (l4bench echo or iperf3 -s) died')
            if dead:
                break
            time.sleep(0.5)
    finally:
        if proc:
            pids = tree(pid)
            rec = dict(system=name, case='_end', round=rnd + 1,
                       hwm_mb=round(status_kb(pids, 'VmHWM') / 1024, 1),
                       rss_mb=round(status_kb(pids, 'VmRSS') / 1024, 1), procs=proc_info(pids))
            rec['stop_s'], rec['stop_clean'] = stop_system(spec, proc)
            if rec['stop_clean'] is not True:
                print(f'!! {name}: did not stop cleanly within the timeout ({rec["stop_clean"]}, {rec["stop_s"]} s)',
                      file=sys.stderr)
            out.write(json.dumps(rec) + '\n'); out.flush()
            time.sleep(1.0)


def fmt(r):
    if 'skipped' in r or 'error' in r:
        return f"{r['system']:14s} {r['case']:8s} {r.get('skipped') or ('ERROR ' + r.get('error'))}"
    s = f"{r['system']:14s} {r['case']:8s} {r['value']:12.2f} {r['unit']:7s}"
    if 'p50_us' in r:
        s += f" p50={r['p50_us']:.0f}us p99={r['p99_us']:.0f}us"
    if r.get('loss_pct') is not None:
        s += f" loss={r['loss_pct']}%"
    if r.get('errors'):
        s += f" err={r['errors']:.0f}"
    if r['case'] == 'idle':
        s += f" conns={r['established']} base={r['rss_before_mb']:.1f}MiB {r['kib_per_conn'] or 0:.2f}KiB/conn"
    if r.get('proxy_cpu_s') is not None:
        s += f" proxy_cpu={r['proxy_cpu_s']}s({r['proxy_cpu_pct']}%)"
    s += f" client_cpu={r['client_cpu_s']}s backend_cpu={r['backend_cpu_s']}s"
    return s


def prepare():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 2 * IDLE_CONNS + 200:
        print(f'note: RLIMIT_NOFILE hard limit {hard} is low for {IDLE_CONNS} idle conns (2 fds each in the proxy)',
              file=sys.stderr)
    if not os.path.exists(BIN):
        subprocess.run([os.path.join(HERE, 'build.sh')], check=True)
    # more ephemeral ports for the connection-rate case; all fixed ports (5201, 15201, 19000, 19100) stay below it.
    # Put the old range back at exit: a wide range lets outgoing connections take (and, in TIME_WAIT,
    # hold) ports that servers on this machine expect to bind, RouteX's example 25565 among them.
    try:
        old_range = open('/proc/sys/net/ipv4/ip_local_port_range').read().split()
    except OSError:
        old_range = None
    r = subprocess.run(['sysctl', '-q', '-w', 'net.ipv4.ip_local_port_range=20000 65000'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if r.returncode:
        print('note: could not widen net.ipv4.ip_local_port_range (not root?); crr-32 may run out of ports',
              file=sys.stderr)
    elif old_range:
        atexit.register(subprocess.run, ['sysctl', '-q', '-w', f'net.ipv4.ip_local_port_range={old_range[0]} {old_range[1]}'],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run', help='run cases for systems, interleaved, N rounds')
    r.add_argument('--systems', default=os.environ.get('BENCH_SYSTEMS') or DEFAULT_SYSTEMS)
    r.add_argument('--cases', default=os.environ.get('BENCH_CASES') or ','.join(CASES))
    r.add_argument('--rounds', type=int, default=int(os.environ.get('BENCH_ROUNDS') or 3))
    r.add_argument('--out', default=os.environ.get('BENCH_OUT') or None,
                   help='results dir (default results/<timestamp>)')
    s = sub.add_parser('report', help='summarise a results dir (raw.jsonl) again; rewrites summary.json')
    s.add_argument('dir')
    a = ap.parse_args()
    if a.cmd == 'report':
        summary = report.write_summary(a.dir)
        print(report.render(summary)); return
    names = [n for n in a.systems.split(',') if n]
    cases = [c for c in a.cases.split(',') if c]
    outdir = a.out or os.path.join(HERE, 'results', time.strftime('%Y%m%d-%H%M%S'))
    allsys = systems(outdir)
    for n in names:
        if n not in allsys: sys.exit(f'unknown system {n}; known: {", ".join(allsys)}')
    for c in cases:
        if c not in CASES: sys.exit(f'unknown case {c}; known: {", ".join(CASES)}')
    if any(allsys[n] and allsys[n].get('routex') for n in names) and \
            not os.path.exists(os.path.join(ROUTEX_DIR, 'dist', 'supervisor', 'cli.js')):
        sys.exit(f'{ROUTEX_DIR}/dist/supervisor/cli.js is missing: run `npm run build` (run.sh does it)')
    prepare()
    logdir = os.path.join(outdir, 'logs')
    os.makedirs(logdir, exist_ok=True)
    git = subprocess.run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
    if ROUTEX_DIR != REPO:
        git = f"{os.path.basename(ROUTEX_DIR)} (exported; bench from {git})"
    elif subprocess.run(['git', '-C', REPO, 'status', '--porcelain', '--', 'supervisor', 'proxy-worker', 'shared'],
                        capture_output=True, text=True).stdout.strip():
        git += '+dirty'       # RouteX built from a work tree with uncommitted changes
    meta = dict(secs=SECS, warmup=WARMUP, pin=PIN, idle_conns=IDLE_CONNS, rounds=a.rounds, systems=names,
                cases=cases, acl_rules=routex.ACL_RULES, git=git, routex_dir=ROUTEX_DIR, node=subprocess.run(
                    ['node', '--version'], capture_output=True, text=True).stdout.strip(),
                nproc=os.cpu_count(), loadavg_at_start=open('/proc/loadavg').read().split()[:3], started=time.strftime('%Y-%m-%dT%H:%M:%S'))
    first = 0
    if os.path.exists(os.path.join(outdir, 'meta.json')):      # more rounds into an existing results dir
        old = json.load(open(os.path.join(outdir, 'meta.json')))
        first = old.get('rounds', 0)
        meta.update(rounds=first + a.rounds, started=old.get('started'),
                    appended=old.get('appended', []) + [dict(at=meta['started'], rounds=a.rounds, git=git,
                                                             systems=names, cases=cases)])
        if old.get('git') != git:
            print(f"note: appending rounds built from {git} to a run of {old.get('git')}", file=sys.stderr)
    json.dump(meta, open(os.path.join(outdir, 'meta.json'), 'w'), indent=1)
    backends = Backends(); backends.start()
    t_start = time.time()
    try:
        with open(os.path.join(outdir, 'raw.jsonl'), 'a') as out:
            for rnd in range(first, first + a.rounds):
                order = names[rnd % len(names):] + names[:rnd % len(names)]   # rotate the order each round
                for n in order:
                    print(f'=== round {rnd + 1}/{first + a.rounds}: {n}', flush=True)
                    run_system(n, allsys[n], backends, cases, out, logdir, rnd)
    finally:
        backends.stop()
    meta['finished'] = time.strftime('%Y-%m-%dT%H:%M:%S'); meta['duration_s'] = round(time.time() - t_start)
    json.dump(meta, open(os.path.join(outdir, 'meta.json'), 'w'), indent=1)
    summary = report.write_summary(outdir)
    print(report.render(summary))
    print(f'\nresults in {outdir} (raw.jsonl, summary.json, report.md, logs/)')


if __name__ == '__main__':
    main()
