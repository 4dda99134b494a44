#!/usr/bin/env python3
"""Top self-time functions of V8 .cpuprofile files (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=1).

usage: tools/cpuprofile-top.py [-n 25] [--by-file] FILE.cpuprofile [...]
Self time = the samples whose leaf is that function. '(idle)' is left out of the percentages,
so they are shares of the busy time. Several files are added up (e.g. every round's worker).
"""
import argparse, json, os, sys
from collections import defaultdict


def load(path, by_file):
    p = json.load(open(path))
    nodes = {n['id']: n['callFrame'] for n in p['nodes']}
    self_us = defaultdict(float)
    for nid, dt in zip(p['samples'], p['timeDeltas']):
        cf = nodes[nid]
        url = cf.get('url') or ''
        short = url.split('/dist/')[-1] if '/dist/' in url else os.path.basename(url) or ''
        if by_file:
            key = short or cf['functionName'] or '(anonymous)'
        else:
            fn = cf['functionName'] or '(anonymous)'
            key = f"{fn}  {short}:{cf['lineNumber'] + 1}" if short else fn
        self_us[key] += max(dt, 0)
    return self_us, (p['endTime'] - p['startTime'])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('-n', type=int, default=25)
    ap.add_argument('--by-file', action='store_true', help='add up self time per script file')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    total = defaultdict(float); wall = 0
    for f in a.files:
        s, w = load(f, a.by_file); wall += w
        for k, v in s.items(): total[k] += v
    idle = total.pop('(idle)', 0.0)
    busy = sum(total.values()) or 1
    print(f'{len(a.files)} profile(s), {wall / 1e6:.1f} s wall, busy {busy / 1e6:.2f} s, idle {idle / 1e6:.2f} s')
    print(f"{'self ms':>9} {'% busy':>7}  function  (file:line)")
    for k, v in sorted(total.items(), key=lambda kv: -kv[1])[:a.n]:
        print(f'{v / 1000:9.1f} {100 * v / busy:6.1f}%  {k}')


if __name__ == '__main__':
    sys.exit(main())
