#!/usr/bin/env python3
"""Kernel-forwarding bench: RouteX with data_path: kernel, RouteX userspace and nginx stream side by
side, in three network namespaces (client, proxy, backend). See README.md, "Kernel mode".

The kernel path has no process of its own to sample, so CPU is read system-wide from /proc/stat
(busy = user + nice + system + irq + softirq, both CPUs) over the measured window only, minus what
processes outside the bench used meanwhile. Proxy overhead per operation = that figure minus the
same figure for `direct` (plain routing through the proxy namespace, no rules).
"""
import argparse, atexit, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
from bench import BIN, CLK, foreign_ticks, foreign_used, parse_result, tree, cpu_s   # noqa: E402

SECS = float(os.environ.get('BENCH_SECS', '4'))
WARMUP = float(os.environ.get('BENCH_WARMUP', '1'))
PREFIX = 'rxkb'
NS = {n: f'{PREFIX}-{n}' for n in ('cli', 'px', 'bk')}
CLI_IP, PX_CLI_IP, PX_BK_IP, BK_IP = '198.18.250.2', '198.18.250.1', '198.18.251.1', '198.18.251.2'
ECHO, IPERF, PX, PX_IPERF = 19100, 5201, 19000, 15201
CASES = ['rr-100', 'crr-32', 'udp-100', 'iperf-1']
SYSTEMS = ['direct', 'routex-kernel', 'routex-userspace', 'nginx']
API_KEY = 'bench-admin-key-0000'


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def in_ns(ns, cmd, cpu=None):
    return ['ip', 'netns', 'exec', NS[ns]] + (['taskset', '-c', str(cpu)] if cpu is not None else []) + cmd


# ---------- topology ----------
def teardown():
    for ns in NS.values():
        pids = run(['ip', 'netns', 'pids', ns], check=False).stdout.split()
        for p in pids:
            try: os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError): pass
        run(['ip', 'netns', 'del', ns], check=False)


def setup():
    teardown()
    script = [f'ip netns add {ns}' for ns in NS.values()]
    script += [f'ip -n {ns} link set lo up' for ns in NS.values()]
    for a, b, net in (('cli', 'px', '198.18.250'), ('px', 'bk', '198.18.251')):
        va, vb = f'{PREFIX}{a}{b}', f'{PREFIX}{b}{a}'
        script += [f'ip link add {va} netns {NS[a]} type veth peer name {vb} netns {NS[b]}',
                   f'ip -n {NS[a]} addr add {net}.{1 if a == "px" else 2}/24 dev {va}', f'ip -n {NS[a]} link set {va} up',
                   f'ip -n {NS[b]} addr add {net}.{1 if b == "px" else 2}/24 dev {vb}', f'ip -n {NS[b]} link set {vb} up']
    script += [f'ip -n {NS["cli"]} route add default via {PX_CLI_IP}', f'ip -n {NS["bk"]} route add default via {PX_BK_IP}',
               f'ip netns exec {NS["px"]} sysctl -qw net.ipv4.ip_forward=1']
    for ns in NS.values():
        script += [f'ip netns exec {ns} sysctl -qw net.ipv4.ip_local_port_range="20000 65000"',
                   f'ip netns exec {ns} sysctl -qw net.ipv4.tcp_tw_reuse=1']
    run(['sh', '-ec', '\n'.join(script)])
    atexit.register(teardown)


# ---------- what runs ----------
class Backends:
    def __init__(self):
        self.procs = [
            subprocess.Popen(in_ns('bk', [BIN, 'echo', str(ECHO)], 0), env=dict(os.environ, L4B_BIND=BK_IP), stderr=subprocess.DEVNULL),
            subprocess.Popen(in_ns('bk', ['iperf3', '-s', '-B', BK_IP, '-p', str(IPERF)], 0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        time.sleep(1.0)

    def pids(self):
        return {q for p in self.procs for q in tree(p.pid)}

    def stop(self):
        for p in self.procs: p.kill()


def routex_files(d, data_path):
    os.makedirs(os.path.join(d, 'proxies'), exist_ok=True)
    open(os.path.join(d, 'global.yaml'), 'w').write(
        f'api:\n  enabled: true\n  bind: "127.0.0.1:9000"\n  api_keys:\n    - key: "{API_KEY}"\n      label: admin\n      permissions: ["*"]\n'
        'metrics:\n  enabled: false\niptables:\n  enabled: false\nlogging:\n  level: warn\n  format: text\n  output: stdout\n')
    open(os.path.join(d, 'proxies', 'bench.yaml'), 'w').write(
        f'name: bench\ndata_path: {data_path}\norigin-ip: "{PX_CLI_IP}"\norigin-port: "{PX},{PX_IPERF}"\n'
        f'dest-ip: "{BK_IP}"\ndest-port: "{ECHO},{IPERF}"\none-to-one: true\nprotocol: tcp-udp\n'
        'connection_draining:\n  timeout: 1s\n')


def nginx_conf(d):
    conf = open(os.path.join(HERE, 'conf', 'nginx.conf')).read()
    conf = (conf.replace(f'listen 127.0.0.1:{PX}', f'listen {PX_CLI_IP}:{PX}').replace(f'listen 127.0.0.1:{PX_IPERF}', f'listen {PX_CLI_IP}:{PX_IPERF}')
            .replace('proxy_pass 127.0.0.1', f'proxy_pass {BK_IP}'))
    os.makedirs(os.path.join(d, 'logs'), exist_ok=True)
    path = os.path.join(d, 'nginx.conf')
    open(path, 'w').write(conf)
    return path


def start_system(name, tmp, log):
    """Returns the proxy process (None for direct) once its ports answer."""
    if name == 'direct':
        return None
    if name == 'nginx':
        cmd = ['nginx', '-p', tmp + '/', '-c', nginx_conf(tmp)]
    else:
        routex_files(tmp, 'kernel' if name == 'routex-kernel' else 'userspace')
        cmd = ['node', os.path.join(REPO, 'dist', 'supervisor', 'cli.js'), '--config', os.path.join(tmp, 'global.yaml'), '--proxies', os.path.join(tmp, 'proxies')]
    proc = subprocess.Popen(in_ns('px', cmd, 1), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 30
    probe = f'import socket; socket.create_connection(("{PX_CLI_IP}", {PX}), 0.5).close()'
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'{name} exited ({proc.returncode}); see {log.name}')
        if run(in_ns('cli', ['python3', '-c', probe]), check=False).returncode == 0:
            time.sleep(1.0)
            return proc
        time.sleep(0.2)
    raise RuntimeError(f'{name} did not open {PX_CLI_IP}:{PX}; see {log.name}')


def stop_system(proc):
    if proc is None:
        return
    try: os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError: pass
    try: proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL); proc.wait()
    run(in_ns('px', ['conntrack', '-F']), check=False)
    time.sleep(1.0)


# ---------- measuring ----------
def busy_ticks():
    """user+nice+system+irq+softirq of every CPU."""
    total = 0
    for line in open('/proc/stat'):
        if line.startswith('cpu') and not line.startswith('cpu '):
            f = [int(x) for x in line.split()[1:8]]
            total += f[0] + f[1] + f[2] + f[5] + f[6]
    return total


def run_case(case, system, proxy, backends):
    host, port, iport = (BK_IP, ECHO, IPERF) if system == 'direct' else (PX_CLI_IP, PX, PX_IPERF)
    if case.startswith('iperf'):
        cmd = ['iperf3', '-c', host, '-p', str(iport), '-t', str(SECS + WARMUP), '-O', str(int(WARMUP)), '-P', case.split('-')[1], '-J']
    else:
        kind, n = case.split('-')
        mode, size = {'rr': ('tcp-rr', 64), 'crr': ('tcp-crr', 32), 'udp': ('udp-rr', 64)}[kind]
        cmd = [BIN, mode, host, str(port), n, str(SECS), str(size)]
    pids = tree(proxy.pid) if proxy else []
    client = subprocess.Popen(in_ns('cli', cmd, 0), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, L4B_WARMUP=str(WARMUP)))
    time.sleep(WARMUP)
    mine = backends.pids() | set(pids) | set(tree(client.pid))
    f0, b0, p0, t0 = foreign_ticks(mine), busy_ticks(), cpu_s(pids), time.time()
    time.sleep(SECS)
    f1, b1, p1, t1 = foreign_ticks(mine | set(tree(proxy.pid) if proxy else [])), busy_ticks(), cpu_s(pids), time.time()
    out, err = client.communicate(timeout=SECS + WARMUP + 30)
    other = max(0, sum(u for u, _ in foreign_used(f0, f1))) / CLK
    busy = (b1 - b0) / CLK - other
    rec = dict(system=system, case=case, window_s=round(t1 - t0, 3), busy_s=round(busy, 3), other_s=round(other, 3), proxy_proc_s=round(p1 - p0, 3) if pids else None)
    if case.startswith('iperf'):
        try:
            gbps = json.loads(out)['end']['sum_received']['bits_per_second'] / 1e9
        except Exception as e:
            return dict(rec, error=f'iperf3: {e} {err[-200:]}')
        gb = gbps * (t1 - t0) / 8
        rec.update(value=gbps, unit='Gbit/s', cpu_s_per_gb=busy / gb, proc_s_per_gb=(p1 - p0) / gb if pids else None)
    else:
        r = parse_result(out)
        if not r or not r.get('rate'):
            return dict(rec, error=f'{cmd[0]}: {err[-200:]}')
        ops = r['rate'] * (t1 - t0)
        rec.update(value=r['rate'], unit='ops/s', p50_us=r['p50_us'], cpu_us_per_op=1e6 * busy / ops, proc_us_per_op=1e6 * (p1 - p0) / ops if pids else None)
    return rec


# ---------- report ----------
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def report(recs):
    out, targets = [], []
    by = {}
    for r in recs:
        if 'error' not in r: by.setdefault((r['system'], r['case']), []).append(r)
    for case in CASES:
        bulk = case.startswith('iperf')
        key = 'cpu_s_per_gb' if bulk else 'cpu_us_per_op'
        floor = med([r[key] for r in by.get(('direct', case), [])])
        rows = {s: by[(s, case)] for s in SYSTEMS if (s, case) in by}
        if not rows: continue
        unit = 'CPU s/GB' if bulk else 'CPU µs/op'
        out.append(f'\n### {case}\n\n| system | {"Gbit/s" if bulk else "ops/s"} | system {unit} | proxy overhead {unit} (− direct) | × nginx overhead | proxy process {unit} | n |')
        out.append('|---|---|---|---|---|---|---|')
        over = {s: (med([r[key] for r in rs]) - floor) if floor is not None else None for s, rs in rows.items()}
        for s, rs in rows.items():
            ratio = over[s] / over['nginx'] if over.get('nginx') and over[s] is not None and s != 'direct' else None
            proc = med([r.get('proc_s_per_gb' if bulk else 'proc_us_per_op') for r in rs])
            out.append(f"| {s} | {med([r['value'] for r in rs]):,.2f} | {med([r[key] for r in rs]):.3f} | "
                       f"{'–' if s == 'direct' or over[s] is None else f'{over[s]:.3f}'} | {'–' if ratio is None else f'{ratio:.2f}'} | "
                       f"{'–' if proc is None else f'{proc:.3f}'} | {len(rs)} |")
        if 'routex-kernel' in rows:
            if bulk and 'direct' in rows:
                share = med([r['value'] for r in rows['routex-kernel']]) / med([r['value'] for r in rows['direct']])
                targets.append(f'{case}: kernel bulk {100 * share:.0f} % of direct routing (target ≥ 90 %): {"OK" if share >= 0.9 else "MISSED"}')
            elif not bulk and over.get('nginx'):
                ratio = over['routex-kernel'] / over['nginx']
                targets.append(f'{case}: kernel overhead {ratio:.2f} × nginx\'s (target ≤ 0.5): {"OK" if ratio <= 0.5 else "MISSED"}')
    return '\n'.join(out + ['\n### targets\n'] + [f'- {t}' for t in targets])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--systems', default=os.environ.get('BENCH_SYSTEMS') or ','.join(SYSTEMS))
    ap.add_argument('--cases', default=os.environ.get('BENCH_CASES') or ','.join(CASES))
    ap.add_argument('--rounds', type=int, default=int(os.environ.get('BENCH_ROUNDS') or 3))
    ap.add_argument('--out', default=os.environ.get('BENCH_OUT'))
    a = ap.parse_args()
    systems, cases = a.systems.split(','), a.cases.split(',')
    for s in systems:
        if s not in SYSTEMS: sys.exit(f'unknown system {s}; known: {", ".join(SYSTEMS)}')
    if 'direct' not in systems: systems.insert(0, 'direct')
    outdir = a.out or os.path.join(HERE, 'results', 'kernel-' + time.strftime('%Y%m%d-%H%M%S'))
    os.makedirs(os.path.join(outdir, 'logs'), exist_ok=True)
    meta = dict(secs=SECS, warmup=WARMUP, rounds=a.rounds, systems=systems, cases=cases, loadavg_at_start=open('/proc/loadavg').read().split()[:3],
                nproc=os.cpu_count(), started=time.strftime('%Y-%m-%dT%H:%M:%S'),
                git=run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], check=False).stdout.strip())
    json.dump(meta, open(os.path.join(outdir, 'meta.json'), 'w'), indent=1)
    setup()
    backends = Backends()
    recs = []
    try:
        with open(os.path.join(outdir, 'raw.jsonl'), 'a') as raw:
            for rnd in range(a.rounds):
                for system in systems[rnd % len(systems):] + systems[:rnd % len(systems)]:
                    tmp = tempfile.mkdtemp(prefix=f'rxkb-{system}-')
                    with open(os.path.join(outdir, 'logs', f'{system}-r{rnd + 1}.log'), 'w') as log:
                        proxy = None
                        try:
                            proxy = start_system(system, tmp, log)
                            for case in cases:
                                rec = dict(run_case(case, system, proxy, backends), round=rnd + 1)
                                recs.append(rec)
                                raw.write(json.dumps(rec) + '\n'); raw.flush()
                                shown = f"{rec['value']:,.1f} {rec['unit']}" if 'value' in rec else rec.get('error')
                                print(f"round {rnd + 1} {system:17s} {case:8s} {shown}  busy={rec['busy_s']}s other={rec['other_s']}s", flush=True)
                                run(in_ns('px', ['conntrack', '-F']), check=False)
                        finally:
                            stop_system(proxy)
                            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        backends.stop()
    meta['loadavg_at_end'] = open('/proc/loadavg').read().split()[:3]
    json.dump(meta, open(os.path.join(outdir, 'meta.json'), 'w'), indent=1)
    text = f"load average at start {' '.join(meta['loadavg_at_start'])}, at end {' '.join(meta['loadavg_at_end'])}\n" + report(recs)
    open(os.path.join(outdir, 'report.md'), 'w').write(text + '\n')
    print(text)
    print(f'\nresults in {outdir}')


if __name__ == '__main__':
    main()
