"""Summarise raw.jsonl from bench.py: medians over rounds, min-max, ratios, the issue's targets.

write_summary(dir) -> dict (also written to dir/summary.json and dir/report.md); render(summary) -> markdown.
Usage: python3 report.py RESULTS_DIR
"""
import json, os, statistics, sys
from collections import defaultdict

LABEL = {
    'idle': 'idle conns: proxy RSS',
    'iperf-1': 'TCP bulk, 1 stream', 'iperf-8': 'TCP bulk, 8 streams',
    'rr-1': 'TCP 64 B ping-pong, 1 conn', 'rr-100': 'TCP 64 B ping-pong, 100 conns',
    'crr-32': 'TCP connect+32 B echo+close, 32 workers',
    'udp-1': 'UDP 64 B ping-pong, 1 client', 'udp-100': 'UDP 64 B ping-pong, 100 clients',
}
# the figure each case is judged by: (record key, unit, higher is better?)
PRIMARY = {
    'idle': ('kib_per_conn', 'KiB/conn', False),
    'iperf-1': ('value', 'Gbit/s', True), 'iperf-8': ('value', 'Gbit/s', True),
    'rr-1': ('value', 'RT/s', True), 'rr-100': ('value', 'RT/s', True),
    'crr-32': ('value', 'conn/s', True),
    'udp-1': ('value', 'RT/s', True), 'udp-100': ('value', 'RT/s', True),
}
PEERS = ('nginx', 'haproxy', 'node-relay')
SUBJECTS = ('routex-off', 'routex-game')


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def cpu_key(case):
    if case.startswith('iperf'): return 'proxy_cpu_s_per_gb', 's/GB'
    if case == 'idle': return None, None
    return 'proxy_cpu_us_per_op', 'µs/op'


def noisy(r):
    return bool(r.get('other_cpu_s') and r.get('wall_s') and r['other_cpu_s'] > 0.1 * r['wall_s'])


def proc_name(cmd):
    parts = cmd.split() or ['?']
    if parts[0].endswith(':') and len(parts) > 1:          # "nginx: worker process"
        return parts[1]
    if os.path.basename(parts[0]) == 'node':
        args = [a for a in parts[1:] if not a.startswith('-')]
        return os.path.basename(args[0]) if args else 'node'
    return os.path.basename(parts[0])


def summarize(recs, meta=None):
    by = defaultdict(list); systems = []; cases = []; ends = defaultdict(list); problems = []
    for r in recs:
        s, c = r['system'], r['case']
        if s not in systems: systems.append(s)
        if c == '_end': ends[s].append(r); continue
        if c == '_start':
            if 'error' in r: problems.append(f"{s} round {r.get('round')}: did not start: {r['error']}")
            continue
        if c not in cases: cases.append(c)
        if 'error' in r:
            problems.append(f"{s} {c} round {r.get('round')}: {r['error']}")
        elif 'value' in r:
            by[(s, c)].append(r)
        if r.get('note'):
            problems.append(f"{s} {c} round {r.get('round')}: {r['note']}")
        if noisy(r):
            problems.append(f"{s} {c} round {r.get('round')}: other processes used {r['other_cpu_s']} CPU s "
                            f"in {r['wall_s']} s (noise: {', '.join(r.get('other_top', []))})")
        if r.get('errors'):
            problems.append(f"{s} {c} round {r.get('round')}: load generator counted {r['errors']:.0f} errors")
    results = defaultdict(dict)
    for (s, c), rs_all in by.items():
        key, unit, _ = PRIMARY.get(c, ('value', rs_all[0].get('unit'), True))
        # rounds during which other processes used > 10 % of a core are left out when a clean one exists
        clean = [r for r in rs_all if not noisy(r)]
        rs = clean or rs_all
        v = [r.get(key) for r in rs if r.get(key) is not None]
        if not v: continue
        e = dict(median=med(v), min=min(v), max=max(v), n=len(v), n_all=len(rs_all), noisy=not clean, unit=unit,
                 proxy_cpu_pct=med([r.get('proxy_cpu_pct') for r in rs]),
                 proxy_root_cpu_s=med([r.get('proxy_root_cpu_s') for r in rs]),
                 client_cpu_s=med([r.get('client_cpu_s') for r in rs]),
                 backend_cpu_s=med([r.get('backend_cpu_s') for r in rs]),
                 other_cpu_s=med([r.get('other_cpu_s') for r in rs]),
                 cpu1_idle_pct=med([r.get('cpu1_idle_pct') for r in rs]))
        ck, cu = cpu_key(c)
        if ck:
            e['cpu_per_op'] = med([r.get(ck) for r in rs]); e['cpu_unit'] = cu
        if c == 'idle':
            e.update(rss_mb=med([r['value'] for r in rs]), base_mb=med([r.get('rss_before_mb') for r in rs]),
                     established=med([r.get('established') for r in rs]),
                     est_10k_mb=med([r.get('est_10k_mb') for r in rs]))
        if 'p50_us' in rs[0]:
            e.update(p50_us=med([r.get('p50_us') for r in rs]), p99_us=med([r.get('p99_us') for r in rs]))
        if c.startswith('udp'):
            e['loss_pct'] = med([r.get('loss_pct') for r in rs])
        if c.startswith('iperf'):
            e['retransmits'] = med([r.get('retransmits') for r in rs])
        results[s][c] = e
    ratios, cpu_ratios = {}, {}
    pairs = [(a, b) for a in SUBJECTS for b in PEERS] + [('routex-game', 'routex-off'), ('routex-pp', 'routex-off')]
    for a, b in pairs:
        if a not in results or b not in results: continue
        row, crow = {}, {}
        for c in cases:
            x, y = results[a].get(c), results[b].get(c)
            if x and y and y['median']:
                row[c] = x['median'] / y['median']
            if x and y and x.get('cpu_per_op') and y.get('cpu_per_op'):
                crow[c] = x['cpu_per_op'] / y['cpu_per_op']
        ratios[f'{a}/{b}'] = row; cpu_ratios[f'{a}/{b}'] = crow
    end = {s: dict(rss_mb=med([e.get('rss_mb') for e in es]), hwm_mb=med([e.get('hwm_mb') for e in es]),
                   stop_s=med([e.get('stop_s') for e in es]),
                   unclean_stops=sum(1 for e in es if e.get('stop_clean') is not True),
                   procs_last=', '.join(f"{proc_name(p['cmd'])} {p['rss_mb']:.0f}" for p in es[-1].get('procs', [])))
           for s, es in ends.items()}
    for s, es in ends.items():
        for e in es:
            if e.get('stop_clean') is not True:
                problems.append(f"{s} round {e.get('round')}: stop not clean ({e.get('stop_clean')}) after {e.get('stop_s')} s")
    return dict(meta=meta or {}, systems=systems, cases=cases, results=results, ratios=ratios,
                cpu_ratios=cpu_ratios, targets=targets(results, ratios, cases), end=end, problems=problems)


def targets(results, ratios, cases):
    """The issue's figures to reach, checked on the medians."""
    out = []
    def better_or_equal(r, c, floor):   # r = subject/peer; for idle (lower is better) invert
        return (r >= floor) if PRIMARY[c][2] else (r <= 1 / floor)
    if 'routex-off/node-relay' in ratios:
        for c in cases:
            r = ratios['routex-off/node-relay'].get(c)
            if r is not None:
                out.append(dict(target=f'features off ≥ node-relay: {c}', value=round(r, 3),
                                ok=better_or_equal(r, c, 1.0)))
    r = ratios.get('routex-off/nginx', {}).get('rr-100')
    if r is not None:
        out.append(dict(target='features off ≥ 0.9 × nginx: rr-100', value=round(r, 3), ok=r >= 0.9))
    if 'routex-game/routex-off' in ratios:
        for c in cases:
            r = ratios['routex-game/routex-off'].get(c)
            if r is not None:
                out.append(dict(target=f'game within 10 % of off: {c}', value=round(r, 3),
                                ok=better_or_equal(r, c, 0.9)))
    if 'routex-pp/routex-off' in ratios:       # issue 16: the PROXY v2 header costs at most 5 %
        for c in cases:
            r = ratios['routex-pp/routex-off'].get(c)
            if r is not None and not c.startswith('udp'):
                out.append(dict(target=f'send.tcp v2 within 5 % of off: {c}', value=round(r, 3),
                                ok=better_or_equal(r, c, 0.95)))
    for s in SUBJECTS:
        e = results.get(s, {}).get('idle')
        if e:
            out.append(dict(target=f'{s}: ≤ 12 KiB RSS per idle connection', value=round(e['median'], 2),
                            ok=e['median'] <= 12))
    return out


def f(x, nd=1):
    if x is None: return '–'
    if abs(x) >= 1000: return f'{x:,.0f}'
    if abs(x) >= 100: return f'{x:.0f}'
    return f'{x:.{nd}f}'


def table(hdr, rows):
    return ['| ' + ' | '.join(hdr) + ' |', '|' + '---|' * len(hdr)] + ['| ' + ' | '.join(r) + ' |' for r in rows]


def render(sm):
    res, cases, systems = sm['results'], sm['cases'], [s for s in sm['systems'] if s in sm['results']]
    m = sm.get('meta', {})
    out = [f"## RouteX L4 bench — {m.get('started', '')} git {m.get('git', '?')}, node {m.get('node', '?')}, "
           f"{m.get('rounds', '?')} rounds × {m.get('secs', '?')} s (+{m.get('warmup', '?')} s warm-up), "
           f"pinned={m.get('pin', '?')}, idle conns {m.get('idle_conns', '?')}, ACL rules {m.get('acl_rules', '?')}"]
    units = {c: PRIMARY.get(c, ('', '', True))[1] for c in cases}
    hdr = ['system'] + [f'{c} ({units[c]})' for c in cases]

    out.append('\n### Medians over rounds (min–max); idle = proxy RSS per connection, lower is better\n')
    out.append('Rounds during which other processes used > 10 % of a core are left out (n=clean/all); '
               '† = every round was noisy, so all are used.\n')
    rows = []
    for s in systems:
        row = [s]
        for c in cases:
            e = res[s].get(c)
            row.append(f"{f(e['median'], 2)}{' †' if e['noisy'] else ''} ({f(e['min'], 2)}–{f(e['max'], 2)})"
                       + (f" n={e['n']}/{e['n_all']}" if e['n'] != e['n_all'] else '') if e else '–')
        rows.append(row)
    out += table(hdr, rows)

    out.append('\n### Proxy CPU per operation (median; iperf in CPU s per GB forwarded; lower is better)\n')
    chdr = ['system'] + [f"{c} ({cpu_key(c)[1]})" for c in cases if cpu_key(c)[0]] + ['idle: base MiB', 'idle: est. 10k MiB']
    rows = []
    for s in systems:
        row = [s] + [f(res[s].get(c, {}).get('cpu_per_op'), 2) for c in cases if cpu_key(c)[0]]
        idle = res[s].get('idle', {})
        rows.append(row + [f(idle.get('base_mb')), f(idle.get('est_10k_mb'))])
    out += table(chdr, rows)

    if sm['ratios']:
        out.append('\n### Ratios of medians (subject / peer). Throughput: > 1 = RouteX faster. '
                   'idle KiB/conn: < 1 = RouteX leaner\n')
        out += table(['ratio'] + cases, [[k] + [f(v.get(c), 2) for c in cases] for k, v in sm['ratios'].items()])
        out.append('\n### CPU-per-operation ratios (subject / peer; < 1 = RouteX cheaper per op)\n')
        cc = [c for c in cases if cpu_key(c)[0]]
        out += table(['ratio'] + cc, [[k] + [f(v.get(c), 2) for c in cc] for k, v in sm['cpu_ratios'].items()])

    if sm['targets']:
        out.append('\n### Targets from the benchmark issue (on medians)\n')
        out += table(['target', 'value', ''], [[t['target'], f(t['value'], 2), 'ok' if t['ok'] else 'MISSED']
                                              for t in sm['targets']])

    out.append('\n### Details per case\n')
    for c in cases:
        rows = []
        lat, udp = c.startswith(('rr', 'crr', 'udp')), c.startswith('udp')
        hdr = ['system', 'median', 'min–max', 'n clean/all']
        if lat: hdr += ['p50 µs', 'p99 µs']
        if udp: hdr += ['loss %']
        if c == 'idle': hdr += ['conns', 'RSS MiB', 'base MiB']
        if c.startswith('iperf'): hdr += ['retrans']
        hdr += ['proxy CPU %', 'supervisor/master CPU s', 'client CPU s', 'backend CPU s', 'other procs CPU s', 'CPU 1 idle %']
        for s in systems:
            e = res[s].get(c)
            if not e: continue
            row = [s, f(e['median'], 2) + (' †' if e['noisy'] else ''), f"{f(e['min'], 2)}–{f(e['max'], 2)}",
                   f"{e['n']}/{e['n_all']}"]
            if lat: row += [f(e.get('p50_us'), 0), f(e.get('p99_us'), 0)]
            if udp: row += [f(e.get('loss_pct'), 3)]
            if c == 'idle': row += [f(e.get('established'), 0), f(e.get('rss_mb')), f(e.get('base_mb'))]
            if c.startswith('iperf'): row += [f(e.get('retransmits'), 0)]
            row += [f(e.get('proxy_cpu_pct'), 0), f(e.get('proxy_root_cpu_s'), 2), f(e.get('client_cpu_s'), 2),
                    f(e.get('backend_cpu_s'), 2), f(e.get('other_cpu_s'), 2), f(e.get('cpu1_idle_pct'), 0)]
            rows.append(row)
        if rows:
            out.append(f"\n#### {c}: {LABEL.get(c, c)} ({units[c]})\n")
            out += table(hdr, rows)

    if sm['end']:
        out.append('\n### Proxy process tree at the end of each run (median over rounds)\n')
        out += table(['system', 'RSS MiB', 'peak RSS (VmHWM, summed) MiB', 'stop s', 'unclean stops',
                      'RSS MiB per process (last round)'],
                     [[s, f(e['rss_mb']), f(e['hwm_mb']), f(e['stop_s'], 2), str(e['unclean_stops']), e['procs_last']]
                      for s, e in sm['end'].items()])
    if sm['problems']:
        out.append('\n### Problems seen\n')
        out += [f'- {p}' for p in sm['problems']]
    return '\n'.join(out)


def write_summary(d):
    recs = [json.loads(l) for l in open(os.path.join(d, 'raw.jsonl')) if l.strip()]
    meta = {}
    if os.path.exists(os.path.join(d, 'meta.json')):
        meta = json.load(open(os.path.join(d, 'meta.json')))
    sm = summarize(recs, meta)
    with open(os.path.join(d, 'summary.json'), 'w') as fh:
        json.dump(sm, fh, indent=1)
    with open(os.path.join(d, 'report.md'), 'w') as fh:
        fh.write(render(sm) + '\n')
    return sm


if __name__ == '__main__':
    print(render(write_summary(sys.argv[1])))
