"""RouteX under the bench: config files for the two profiles, start as the real supervisor, readiness, stop.

Profiles (see README.md):
  routex-off   API on, metrics/iptables/ACL off, log level warn, one proxy with draining only.
  routex-pp    routex-off + proxy_protocol.send.tcp: v2 (UNIQUE_ID on) to an echo that reads the header.
  routex-game  global ACL (BENCH_ACL_RULES/2 deny /24s in 10.0.0.0/8) + proxy ACL (the other half, from 172.16.0.0/24 on), sticky
               least-conn with health checks every 2 s, bandwidth tracking with a 1 TiB daily
               quota, metrics to SQLite every 10 s, connection log off; and the L7 engine: payload
               inspection (custom rules that read the first 3 bytes of every connection and datagram,
               then allow them: the bench's bytes are no game's), connection cycling, behavioural
               scoring and the payload rate limit per IP and per connection, at limits the bench
               never reaches, so every part runs and none refuses.
The ACL rules deny private/CGNAT ranges that never appear in the bench (all traffic is 127.0.0.1),
so every new connection walks every rule and is then allowed by default: the worst case for a matcher.
"""
import json, os, shutil, signal, socket, subprocess, tempfile, time, urllib.request

API_KEY = 'bench-admin-key-0000'
ACL_RULES = int(os.environ.get('BENCH_ACL_RULES', '1000'))
PROFILES = ('off', 'game', 'pp')


def yaml(obj, indent=0):
    """A tiny YAML emitter: dicts, lists, scalars. Strings are JSON-quoted (valid YAML)."""
    pad = '  ' * indent
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f'{pad}{k}:')
                out.append(yaml(v, indent + 1))
            else:
                out.append(f'{pad}{k}: {scalar(v)}')
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, dict) and v:
                first, *rest = yaml(v, indent + 1).split('\n')
                out.append(f'{pad}- {first.strip()}')
                out.extend(rest)
            else:
                out.append(f'{pad}- {scalar(v)}')
    return '\n'.join(out)


def scalar(v):
    if isinstance(v, bool): return 'true' if v else 'false'
    if v is None: return 'null'
    if isinstance(v, (int, float)): return str(v)
    if isinstance(v, (dict, list)): return '{}' if isinstance(v, dict) else '[]'
    return json.dumps(v)


def deny_rules(n, a, b, tag):
    """n deny rules: consecutive /24s from a.b.0.0 on (10.0/16.. and 172.16/16..; never 127/8)."""
    return [dict(action='deny', cidr=f'{a}.{(b + i // 256) % 256}.{i % 256}.0/24', comment=f'bench {tag} {i}')
            for i in range(n)]


def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p


def write_configs(profile, d, ports):
    """ports: dict(px, px_iperf, echo, iperf). Returns the API port."""
    api_port = free_port()
    g = dict(
        api=dict(enabled=True, bind=f'127.0.0.1:{api_port}',
                 api_keys=[dict(key=API_KEY, label='admin', permissions=['*'])]),
        metrics=dict(enabled=False),
        iptables=dict(enabled=False),
        acl=dict(enabled=False),
        logging=dict(level=os.environ.get('BENCH_ROUTEX_LOG_LEVEL', 'warn'), format='text', output='stdout'),
    )
    p = {
        'name': 'bench', 'enabled': True,
        'origin-ip': '127.0.0.1', 'origin-port': f"{ports['px']},{ports['px_iperf']}",
        'dest-ip': '127.0.0.1', 'dest-port': f"{ports['echo']},{ports['iperf']}",
        'one-to-one': True, 'protocol': 'tcp-udp',
        'connection_draining': dict(enabled=True, timeout='1s'),
    }
    if profile == 'pp':
        p['dest-port'] = f"{ports['echo_pp']},{ports['iperf']}"
        p['proxy_protocol'] = dict(send=dict(tcp='v2', unique_id=True, health_check='local'))
    if profile == 'game':
        n_global = ACL_RULES // 2
        g['acl'] = dict(enabled=True, default_action='allow', rules=deny_rules(n_global, 10, 0, 'global'))
        g['metrics'] = dict(enabled=True, retention_hours=168, flush_interval_seconds=10,
                            sqlite_path=os.path.join(d, 'metrics.db'))
        p['load_balancing'] = dict(algorithm='least-conn', sticky_sessions=True, sticky_ttl=3600,
                                   health_check=dict(interval='2s', timeout='1s'))
        p['acl'] = dict(enabled=True, default_action='allow',
                        rules=deny_rules(ACL_RULES - n_global, 172, 16, 'proxy'))
        p['bandwidth'] = dict(enabled=True, daily_limit=1099511627776, suspend_on_limit=True)
        p['logging'] = dict(log_connections=False)
        p['l7_protection'] = dict(
            enabled=True,
            payload_inspection=dict(enabled=True, mode='custom', custom_rules=[
                dict(name='never-in-the-bench', match_offset=0, match_bytes='0xFF,0xFE,0xFD', action='drop')]),
            connection_cycling=dict(enabled=True, window='1s', max_conns_in_window=100000, ban_duration='60s'),
            behavioral_scoring=dict(enabled=True, score_window='30s', ban_threshold=100, ban_duration='120s'),
            payload_rate_limit=dict(enabled=True, max_bytes_per_sec_per_ip=2147483647,
                                    max_bytes_per_sec_per_conn=2147483647, burst_multiplier=2),
        )
    os.makedirs(os.path.join(d, 'proxies'), exist_ok=True)
    with open(os.path.join(d, 'global.yaml'), 'w') as f:
        f.write(f'# generated by test/bench/routex.py, profile {profile}\n' + yaml(g) + '\n')
    with open(os.path.join(d, 'proxies', 'bench.yaml'), 'w') as f:
        f.write(f'# generated by test/bench/routex.py, profile {profile}\n' + yaml(p) + '\n')
    return api_port


class RouteX:
    """Start/stop hooks used by bench.py for the routex-* systems."""

    def __init__(self, repo, profile, ports, keep_dir=None, tmp='/tmp/l4bench'):
        self.repo, self.profile, self.ports, self.tmp = repo, profile, ports, tmp
        self.keep_dir = keep_dir
        self.dir = None
        self.api_port = None

    def cmd(self):
        os.makedirs(self.tmp, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix=f'rx-{self.profile}-', dir=self.tmp)
        self.api_port = write_configs(self.profile, self.dir, self.ports)
        if self.keep_dir:      # a copy of the generated config next to the results
            dst = os.path.join(self.keep_dir, f'routex-{self.profile}-config')
            if not os.path.exists(dst):
                shutil.copytree(self.dir, dst)
        return ['node', os.path.join(self.repo, 'dist', 'supervisor', 'cli.js'),
                '--config', os.path.join(self.dir, 'global.yaml'),
                '--proxies', os.path.join(self.dir, 'proxies')]

    def wait_ready(self, proc, timeout=20.0):
        """GET /api/health answers 200; the ports are then waited for by the caller."""
        end = time.time() + timeout
        url = f'http://127.0.0.1:{self.api_port}/api/health'
        while time.time() < end:
            if proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop(self, proc, timeout=15.0):
        """SIGTERM to the supervisor only (it drains and stops its worker); SIGKILL the group if it hangs.
        Returns (seconds to exit, clean?)."""
        t0 = time.time()
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout)
            clean = True
        except subprocess.TimeoutExpired:
            clean = False
        # the worker must be gone too: anything left in the process group is killed
        try:
            os.killpg(proc.pid, signal.SIGKILL)
            if clean:
                clean = 'group-left'     # supervisor exited but left processes behind
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return round(time.time() - t0, 2), clean
