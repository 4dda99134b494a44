#!/usr/bin/env bash
# `npm run bench`: installs/builds what the bench needs, runs it, prints the report.
#   npm run bench                              # all systems, all cases, 3 rounds
#   BENCH_SYSTEMS=nginx,routex-off BENCH_CASES=rr-100 BENCH_ROUNDS=1 npm run bench
#   npm run bench -- --systems nginx --rounds 1   # the same knobs as flags of bench.py run
#   bash test/bench/run.sh report test/bench/results/<dir>   # print a past run's report again
# See test/bench/README.md. Everything runs on 127.0.0.1; every loop is bounded.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"

if [[ "${1:-}" == report ]]; then
  exec python3 "$HERE/bench.py" report "${2:?usage: run.sh report RESULTS_DIR}"
fi

# --kernel (or `npm run bench --kernel`): the kernel-forwarding bench (kernel.py) in three network
# namespaces: RouteX data_path: kernel, RouteX userspace and nginx stream, CPU read system-wide.
KERNEL=0
[[ "${npm_config_kernel:-}" == true ]] && KERNEL=1
args=()
for a in "$@"; do
  if [[ $a == --kernel ]]; then KERNEL=1; else args+=("$a"); fi
done
set -- "${args[@]+"${args[@]}"}"

# Which systems? (flags win over the env; only used here to decide what to install/build)
if ((KERNEL)); then
  SYSTEMS="${BENCH_SYSTEMS:-direct,routex-kernel,routex-userspace,nginx}"
else
  SYSTEMS="${BENCH_SYSTEMS:-direct,haproxy,nginx,node-naive,node-relay,routex-off,routex-game,routex-pp}"
fi
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --systems) SYSTEMS="${args[i + 1]:-}" ;;
    --systems=*) SYSTEMS="${args[i]#--systems=}" ;;
  esac
done
has() { [[ ",$SYSTEMS," == *",$1"* ]]; }

# ---------- tools ----------
declare -A PKG_OF=([gcc]=gcc [iperf3]=iperf3 [taskset]=util-linux [python3]=python3 [sysctl]=procps
                   [haproxy]=haproxy [nginx]=nginx [ip]=iproute2 [nft]=nftables [conntrack]=conntrack)
need=(gcc iperf3 taskset python3 sysctl)
((KERNEL)) && need+=(ip nft conntrack)
has haproxy && need+=(haproxy)
has nginx && need+=(nginx)
missing_pkgs=()
for t in "${need[@]}"; do
  command -v "$t" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$t" >/dev/null 2>&1 \
    || missing_pkgs+=("${PKG_OF[$t]}")
done
if has nginx && [[ ! -e /usr/lib/nginx/modules/ngx_stream_module.so ]]; then
  missing_pkgs+=(libnginx-mod-stream)
fi
if ((${#missing_pkgs[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing from Debian: ${missing_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
  else
    echo "bench: missing tools; install these Debian packages (as root): ${missing_pkgs[*]}" >&2
    exit 1
  fi
fi
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v node >/dev/null; then
  echo "bench: node (>= 20.19) is needed for the Node relays and RouteX" >&2; exit 1
fi

# ---------- l4bench (C load generator + echo backend) ----------
if [[ ! -x "$HERE/bin/l4bench" || "$HERE/src/l4bench.c" -nt "$HERE/bin/l4bench" ]]; then
  "$HERE/build.sh"
fi

# ---------- RouteX ----------
# BENCH_ROUTEX_REF=<commit|branch>: bench that commit, exported (git archive) and built under
# ${BENCH_TMP:-/tmp/l4bench}/routex-<sha>, instead of this work tree (which may hold edits in progress).
if has routex && [[ -n "${BENCH_ROUTEX_REF:-}" ]]; then
  sha=$(git rev-parse --short "$BENCH_ROUTEX_REF^{commit}")
  export BENCH_ROUTEX_DIR="${BENCH_TMP:-/tmp/l4bench}/routex-$sha"
  if [[ ! -f $BENCH_ROUTEX_DIR/dist/supervisor/cli.js ]]; then
    echo "bench: exporting and building RouteX $sha in $BENCH_ROUTEX_DIR"
    [[ -d node_modules ]] || npm ci --no-audit --no-fund
    rm -rf "$BENCH_ROUTEX_DIR" && mkdir -p "$BENCH_ROUTEX_DIR"
    git archive "$sha" | tar -x -C "$BENCH_ROUTEX_DIR"
    ln -s "$REPO/node_modules" "$BENCH_ROUTEX_DIR/node_modules"
    (cd "$BENCH_ROUTEX_DIR" && npm run build --silent) || { echo "bench: build of $sha failed" >&2; exit 1; }
  fi
elif has routex; then
  [[ -d node_modules ]] || npm ci --no-audit --no-fund
  cli=dist/supervisor/cli.js
  stale=
  if [[ ! -f $cli ]]; then
    stale=missing
  elif [[ -n "$(find supervisor proxy-worker shared tsconfig.json package.json -newer "$cli" \
                  \( -name '*.ts' -o -name '*.json' \) -print -quit 2>/dev/null)" ]]; then
    stale=older
  fi
  if [[ -n $stale ]]; then
    echo "bench: building RouteX ($cli is $stale than the sources)"
    if ! npm run build --silent; then
      echo "bench: 'npm run build' failed; fix the build or leave routex-* out of BENCH_SYSTEMS" >&2
      exit 1
    fi
  fi
  if [[ ! -f $cli ]]; then
    echo "bench: $cli does not exist after the build (is the supervisor written yet?)" >&2
    exit 1
  fi
fi

if ((KERNEL)); then
  if [[ $(id -u) != 0 ]]; then echo "bench --kernel: needs root (network namespaces, nftables)" >&2; exit 1; fi
  exec python3 "$HERE/kernel.py" "$@"
fi
exec python3 "$HERE/bench.py" run "$@"
