#!/usr/bin/env bash
# RouteX installer: installs the app from this source tree into PREFIX (default /opt/routex),
# creates /etc/routex (only what is missing) and /var/lib/routex, a "routex" system user, and a
# systemd unit (OpenRC service on Alpine), starts it and checks /api/health.
# Idempotent: a second run changes nothing and says so. Run with --help for the options.
set -euo pipefail
umask 022

readonly MIN_NODE="20.19.0"
readonly SERVICE="routex"
readonly SERVICE_USER="routex"
readonly CONF_DIR="/etc/routex"
readonly STATE_DIR="/var/lib/routex"
readonly WRAPPER="/usr/local/bin/routex"
SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SRC_DIR

PREFIX="/opt/routex"
ROOT=""
DRY_RUN=0
MODE="install"
PURGE=0
BUILD=1
START=1
OS_RELEASE="/etc/os-release"

CHANGES=()
APP_CHANGED=0
SERVICE_FILE_CHANGED=0
FAMILY=""
PKG=""
INIT=""
NODE_BIN=""

usage() {
  cat <<EOF
Usage: install.sh [OPTIONS] [PREFIX]

Installs RouteX from this source tree into PREFIX (default: /opt/routex) and runs it as a
service. Supported: Debian/Ubuntu, RHEL/CentOS/Rocky/Alma/Fedora/Amazon Linux, Arch/Manjaro
(systemd), Alpine (OpenRC). Running it again changes nothing unless something differs.

Options:
  --uninstall        stop and remove the service, the app and the routex command;
                     keeps ${CONF_DIR} and ${STATE_DIR} (and the routex user)
  --purge            with --uninstall: also remove ${CONF_DIR}, ${STATE_DIR} and the user
  --root DIR         install into a staging root: every path is prefixed with DIR; no packages,
                     no user, no ownership changes, no service start (files and unit only)
  --dry-run          print what would be done, change nothing
  --no-build         use the existing dist/ instead of running "npm run build" first
  --no-start         install and enable the service, but do not (re)start it
  --os-release FILE  read the distribution from FILE instead of /etc/os-release
  -h, --help         this text
EOF
}

# ---------------------------------------------------------------------------------------------
# Output and actions

say() { printf '[routex] %s\n' "$*"; }
warn() { printf '[routex] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[routex] ERROR: %s\n' "$*" >&2
  exit 1
}

# Records a change (printed now and in the summary).
changed() {
  CHANGES+=("$*")
  if [ "$DRY_RUN" = 1 ]; then say "  would: $*"; else say "  done: $*"; fi
}
unchanged() { say "  ok:   $*"; }

# Runs a command, or prints it under --dry-run.
run() {
  if [ "$DRY_RUN" = 1 ]; then
    say "  would run: $*"
  else
    "$@"
  fi
}

# A path on the target system (inside the staging root with --root).
target() { printf '%s%s' "$ROOT" "$1"; }

staging() { [ -n "$ROOT" ]; }

# systemd is PID 1 here (not a container or chroot) and not a staging root.
systemd_running() { ! staging && [ -d /run/systemd/system ]; }

# ---------------------------------------------------------------------------------------------
# Arguments

parse_args() {
  local positional=()
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --uninstall) MODE="uninstall" ;;
      --purge) PURGE=1 ;;
      --root)
        [ "$#" -ge 2 ] || die "--root needs a directory"
        ROOT="$2"
        shift
        ;;
      --root=*) ROOT="${1#--root=}" ;;
      --dry-run) DRY_RUN=1 ;;
      --no-build) BUILD=0 ;;
      --no-start) START=0 ;;
      --os-release)
        [ "$#" -ge 2 ] || die "--os-release needs a file"
        OS_RELEASE="$2"
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      -*) die "unknown option $1 (see --help)" ;;
      *) positional+=("$1") ;;
    esac
    shift
  done
  [ "${#positional[@]}" -le 1 ] || die "only one PREFIX may be given (see --help)"
  [ "${#positional[@]}" -eq 0 ] || PREFIX="${positional[0]}"
  case "$PREFIX" in
    /*) ;;
    *) die "PREFIX must be an absolute path, not '$PREFIX'" ;;
  esac
  PREFIX="${PREFIX%/}"
  case "$PREFIX" in
    "" | /bin | /boot | /dev | /etc | /home | /lib | /lib64 | /opt | /proc | /root | /run | /sbin | /srv | /sys | /tmp | /usr | /usr/local | /var)
      die "refusing PREFIX '$PREFIX': give a folder of its own, like /opt/routex"
      ;;
  esac
  if [ -n "$ROOT" ]; then
    [ "$DRY_RUN" = 1 ] || mkdir -p "$ROOT" || die "cannot create staging root $ROOT"
    case "$ROOT" in
      /*) ;;
      *) ROOT="$PWD/$ROOT" ;;
    esac
    ROOT="${ROOT%/}"
    [ "$ROOT" != "" ] || die "--root / is the real system: leave --root out"
  fi
  [ "$PURGE" = 0 ] || [ "$MODE" = "uninstall" ] || die "--purge only goes with --uninstall"
  if ! staging && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
    die "run as root (sudo bash install.sh), or use --dry-run / --root DIR"
  fi
}

# ---------------------------------------------------------------------------------------------
# Distribution

os_field() {
  local key="$1" line value
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "$key="*)
        value="${line#*=}"
        value="${value#\"}"
        value="${value%\"}"
        printf '%s' "$value"
        return 0
        ;;
    esac
  done <"$OS_RELEASE"
}

detect_os() {
  [ -r "$OS_RELEASE" ] || die "cannot read $OS_RELEASE: unknown distribution"
  local id like name
  id="$(os_field ID)"
  like="$(os_field ID_LIKE)"
  name="$(os_field PRETTY_NAME)"
  case " $id $like " in
    *" alpine "*) FAMILY="alpine" PKG="apk" INIT="openrc" ;;
    *" debian "* | *" ubuntu "* | *" raspbian "*) FAMILY="debian" PKG="apt" INIT="systemd" ;;
    *" rhel "* | *" fedora "* | *" centos "* | *" rocky "* | *" almalinux "* | *" amzn "* | *" ol "*) FAMILY="rhel" PKG="dnf" INIT="systemd" ;;
    *" arch "* | *" manjaro "* | *" endeavouros "*) FAMILY="arch" PKG="pacman" INIT="systemd" ;;
    *) die "unsupported distribution '${name:-$id}': supported are Debian/Ubuntu, RHEL/CentOS/Rocky/Alma/Fedora/Amazon Linux, Arch/Manjaro and Alpine. Install Node.js >= $MIN_NODE and iptables yourself, then use --root to stage the files." ;;
  esac
  if [ "$PKG" = "dnf" ] && ! staging && ! command -v dnf >/dev/null 2>&1 && command -v yum >/dev/null 2>&1; then
    PKG="yum"
  fi
  say "distribution: ${name:-$id} ($FAMILY family, $PKG, $INIT)"
}

# Package names per family: node, build tools for better-sqlite3 when no prebuilt binary fits.
packages_for() {
  case "$1:$FAMILY" in
    node:*) echo "nodejs npm" ;;
    firewall:debian) echo "iptables nftables ipset conntrack" ;;
    firewall:*) echo "iptables nftables ipset conntrack-tools" ;;
    build:debian) echo "python3 make g++" ;;
    build:rhel) echo "python3 make gcc-c++" ;;
    build:arch) echo "python make gcc" ;;
    build:alpine) echo "python3 make g++" ;;
  esac
}

pkg_install() {
  local packages=("$@")
  case "$PKG" in
    apt)
      run env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
      ;;
    dnf | yum) run "$PKG" install -y -q "${packages[@]}" ;;
    pacman) run pacman -S --needed --noconfirm "${packages[@]}" ;;
    apk) run apk add --no-cache "${packages[@]}" ;;
  esac
  changed "installed packages: ${packages[*]}"
}

# The version of nodejs the distribution would install, or nothing.
distro_node_version() {
  local version=""
  case "$PKG" in
    apt) version="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2; exit}')" ;;
    dnf | yum) version="$("$PKG" -q info nodejs 2>/dev/null | awk '$1 == "Version" {print $3; exit}')" ;;
    pacman) version="$(pacman -Si nodejs 2>/dev/null | awk '$1 == "Version" {print $3; exit}')" ;;
    apk) version="$(apk policy nodejs 2>/dev/null | awk 'NR == 2 {sub(/:$/, "", $1); print $1; exit}')" ;;
  esac
  version="${version#*:}"
  version="${version%%[-+~]*}"
  [ "$version" = "(none)" ] && version=""
  printf '%s' "$version"
}

# version_at_least 20.19.1 20.19.0 → true
version_at_least() {
  local have="$1" want="$2" h w i
  IFS=. read -r -a h <<<"$have"
  IFS=. read -r -a w <<<"$want"
  for i in 0 1 2; do
    if [ "$((10#${h[i]:-0}))" -gt "$((10#${w[i]:-0}))" ]; then return 0; fi
    if [ "$((10#${h[i]:-0}))" -lt "$((10#${w[i]:-0}))" ]; then return 1; fi
  done
  return 0
}

node_advice() {
  case "$FAMILY" in
    debian) echo "Install Node.js 22 LTS from NodeSource (https://github.com/nodesource/distributions), or move to a release whose nodejs package is >= $MIN_NODE." ;;
    rhel) echo "Enable a newer module stream (e.g. 'dnf module enable -y nodejs:22' on RHEL/Rocky/Alma 8-9), install a versioned package (e.g. nodejs22 on Amazon Linux 2023), or use NodeSource (https://github.com/nodesource/distributions)." ;;
    arch) echo "Update the system ('pacman -Syu') so the nodejs package is current." ;;
    alpine) echo "Move to an Alpine release whose nodejs package is >= $MIN_NODE." ;;
  esac
  echo "Do not use nvm for the service: it installs under a home folder, which the service cannot read (ProtectHome=yes). Then run install.sh again."
}

ensure_node() {
  local version
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    version="$(node -p 'process.versions.node')"
    if version_at_least "$version" "$MIN_NODE"; then
      NODE_BIN="$(command -v node)"
      unchanged "Node.js $version ($NODE_BIN)"
      return
    fi
    staging && die "Node.js $version is too old: RouteX needs >= $MIN_NODE. $(node_advice)"
    warn "Node.js $version is too old (RouteX needs >= $MIN_NODE)"
  fi
  staging && die "Node.js >= $MIN_NODE and npm are needed to stage RouteX (npm ci). $(node_advice)"
  version="$(distro_node_version)"
  if [ -z "$version" ] || ! version_at_least "$version" "$MIN_NODE"; then
    die "Node.js >= $MIN_NODE is required, and $PKG offers ${version:-no nodejs package}. $(node_advice)"
  fi
  # shellcheck disable=SC2046 # word splitting of the package list is intended
  pkg_install $(packages_for node)
  NODE_BIN="$(command -v node || echo /usr/bin/node)"
}

ensure_system_packages() {
  if staging; then
    say "  skip: system packages (staging root)"
    return
  fi
  if command -v iptables >/dev/null 2>&1 && command -v nft >/dev/null 2>&1 && command -v ipset >/dev/null 2>&1 && command -v conntrack >/dev/null 2>&1; then
    unchanged "iptables, nft, ipset, conntrack ($(command -v iptables))"
  else
    # shellcheck disable=SC2046
    pkg_install $(packages_for firewall)
  fi
}

# ---------------------------------------------------------------------------------------------
# The app

build_source() {
  if [ ! -f "$SRC_DIR/package.json" ] || [ ! -f "$SRC_DIR/package-lock.json" ]; then
    die "$SRC_DIR is not a RouteX source tree (package.json, package-lock.json)"
  fi
  if [ "$BUILD" = 1 ]; then
    say "building in $SRC_DIR"
    if [ ! -x "$SRC_DIR/node_modules/.bin/tsc" ]; then
      run npm --prefix "$SRC_DIR" ci --no-audit --no-fund
    fi
    run npm --prefix "$SRC_DIR" run build --silent
  fi
  [ -f "$SRC_DIR/dist/supervisor/cli.js" ] || [ "$DRY_RUN" = 1 ] || die "no build in $SRC_DIR/dist: run 'npm ci && npm run build' (or drop --no-build)"
}

# Content fingerprints (cksum is in coreutils and busybox; diff and cmp are not everywhere).
file_sum() { cksum <"$1" | cut -d' ' -f1,2; }
tree_sum() { (cd "$1" && find . -type f -exec cksum {} + | LC_ALL=C sort -k3); }

# Copies a file when the target differs; returns 1 when it was already the same.
# sync_file SRC DEST MODE LABEL
sync_file() {
  local src="$1" dest="$2" mode="$3" label="$4"
  if [ -f "$dest" ] && [ "$(file_sum "$src")" = "$(file_sum "$dest")" ] && [ "$(stat -c %a "$dest")" = "$mode" ]; then
    return 1
  fi
  if [ "$DRY_RUN" = 0 ]; then
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest.new.$$"
    chmod "$mode" "$dest.new.$$"
    mv -f "$dest.new.$$" "$dest"
  fi
  changed "$label"
}

# Replaces a folder when anything in it differs; returns 1 when it was already the same.
# sync_dir SRC DEST LABEL
sync_dir() {
  local src="$1" dest="$2" label="$3"
  if [ -d "$dest" ] && [ "$(tree_sum "$src")" = "$(tree_sum "$dest")" ]; then
    return 1
  fi
  if [ "$DRY_RUN" = 0 ]; then
    rm -rf "$dest.new.$$"
    mkdir -p "$(dirname "$dest")"
    cp -R "$src" "$dest.new.$$"
    rm -rf "$dest"
    mv "$dest.new.$$" "$dest"
  fi
  changed "$label"
}

# What goes into PREFIX (node_modules comes from npm ci): the built code (the web dashboard's
# bundle in dist/dashboard included), the example configs
# and their JSON Schemas, the service files. Not the tests, not a database or log that
# "npm start" may have left in configs/.
stage_app() {
  local stage="$1" dir
  cp "$SRC_DIR/package.json" "$SRC_DIR/package-lock.json" "$SRC_DIR/README.md" "$SRC_DIR/install.sh" "$stage/"
  mkdir -p "$stage/dist" "$stage/configs/proxies" "$stage/systemd"
  for dir in supervisor proxy-worker shared dashboard; do
    if [ -d "$SRC_DIR/dist/$dir" ]; then cp -R "$SRC_DIR/dist/$dir" "$stage/dist/"; fi
  done
  cp "$SRC_DIR"/configs/*.yaml "$SRC_DIR"/configs/*.schema.json "$stage/configs/"
  cp "$SRC_DIR"/configs/proxies/*.yaml "$SRC_DIR"/configs/proxies/*.png "$stage/configs/proxies/"
  cp "$SRC_DIR/systemd/routex.service" "$stage/systemd/"
  cp "$SRC_DIR/systemd/routex.openrc" "$stage/systemd/"
}

install_app() {
  local app stage item mode
  app="$(target "$PREFIX")"
  say "app in $PREFIX"
  stage="$(mktemp -d)"
  stage_app "$stage"
  for item in package.json package-lock.json README.md install.sh; do
    mode=644
    [ "$item" = install.sh ] && mode=755
    if sync_file "$stage/$item" "$app/$item" "$mode" "copied $item"; then APP_CHANGED=1; fi
  done
  for item in dist configs systemd; do
    if sync_dir "$stage/$item" "$app/$item" "copied $item/"; then APP_CHANGED=1; fi
  done
  rm -rf "$stage"
  [ "$APP_CHANGED" = 1 ] || unchanged "app files up to date"
  install_dependencies "$app"
  install_wrapper
}

# npm ci --omit=dev, again only when the lockfile or the Node ABI changed.
install_dependencies() {
  local app="$1" stamp_file stamp
  stamp_file="$app/.install-stamp"
  stamp="lockfile=$(cksum <"$SRC_DIR/package-lock.json" | cut -d' ' -f1) node-abi=$(node -p 'process.versions.modules')"
  if [ -d "$app/node_modules" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    unchanged "node_modules ($stamp)"
    return
  fi
  if [ "$DRY_RUN" = 1 ]; then
    changed "npm ci --omit=dev in $PREFIX"
    return
  fi
  say "  running npm ci --omit=dev in $app (better-sqlite3 may compile, about a minute)"
  if ! (cd "$app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error); then
    staging && die "npm ci failed in $app. If better-sqlite3 had no prebuilt binary, install $(packages_for build) and retry."
    warn "npm ci failed; installing the tools to compile better-sqlite3 and retrying"
    # shellcheck disable=SC2046
    pkg_install $(packages_for build)
    (cd "$app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error) || die "npm ci failed in $app (see the npm output above)"
  fi
  printf '%s\n' "$stamp" >"$stamp_file"
  APP_CHANGED=1
  changed "npm ci --omit=dev ($stamp)"
}

install_wrapper() {
  local dest tmp
  dest="$(target "$WRAPPER")"
  tmp="$(mktemp)"
  cat >"$tmp" <<EOF
#!/bin/sh
# The routex command, written by install.sh. Uses ${CONF_DIR}/global.yaml unless --config is given.
for arg in "\$@"; do
  case "\$arg" in -c | --config | --config=*) exec "$NODE_BIN" "$PREFIX/dist/supervisor/cli.js" "\$@" ;; esac
done
exec "$NODE_BIN" "$PREFIX/dist/supervisor/cli.js" --config "$CONF_DIR/global.yaml" "\$@"
EOF
  sync_file "$tmp" "$dest" 755 "wrote $WRAPPER" || unchanged "$WRAPPER"
  rm -f "$tmp"
}

# ---------------------------------------------------------------------------------------------
# User, folders, config

ensure_user() {
  if staging; then
    say "  skip: system user $SERVICE_USER (staging root)"
    return
  fi
  if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    unchanged "system user $SERVICE_USER"
    return
  fi
  local nologin
  nologin="$(command -v nologin || echo /bin/false)"
  if [ "$FAMILY" = "alpine" ]; then
    run addgroup -S "$SERVICE_USER"
    run adduser -S -D -H -h "$STATE_DIR" -s "$nologin" -G "$SERVICE_USER" "$SERVICE_USER"
  else
    run useradd --system --user-group --no-create-home --home-dir "$STATE_DIR" --shell "$nologin" "$SERVICE_USER"
  fi
  changed "created system user $SERVICE_USER"
}

# ensure_dir PATH MODE OWNER: creates it, or fixes its mode and (not staging) owner.
ensure_dir() {
  local path="$1" mode="$2" owner="$3" dest
  dest="$(target "$path")"
  if [ ! -d "$dest" ]; then
    run mkdir -p "$dest"
    run chmod "$mode" "$dest"
    if staging; then
      changed "created $path (mode $mode; owner $owner is not set in a staging root)"
    else
      run chown "$owner" "$dest"
      changed "created $path (mode $mode, owner $owner)"
    fi
    return
  fi
  local fixed=0
  if [ "$(stat -c %a "$dest")" != "$mode" ]; then
    run chmod "$mode" "$dest"
    changed "set mode $mode on $path"
    fixed=1
  fi
  if ! staging && [ "$(stat -c %U:%G "$dest")" != "$owner" ]; then
    run chown "$owner" "$dest"
    changed "set owner $owner on $path"
    fixed=1
  fi
  if [ "$fixed" = 0 ]; then unchanged "$path"; fi
}

random_key() {
  printf 'rx_%s_%s' "$1" "$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
}

# The shipped example, adapted to a server: state in /var/lib/routex, fresh API keys, JSON logs.
render_global_yaml() {
  local out="$1" log_output="stdout"
  [ "$FAMILY" = "alpine" ] && log_output="file"
  {
    echo "# yaml-language-server: \$schema=$PREFIX/configs/global.schema.json"
    echo "# Written by install.sh from $PREFIX/configs/global.yaml. This file is yours: install.sh"
    echo "# never overwrites it. Check changes with: routex check"
    sed \
      -e "/^# yaml-language-server:/d" \
      -e "s|^\\([[:space:]]*- key:\\) \"pk_admin_[^\"]*\".*|\\1 \"$(random_key admin)\"   # generated by install.sh|" \
      -e "s|^\\([[:space:]]*- key:\\) \"pk_read_[^\"]*\".*|\\1 \"$(random_key read)\"    # generated by install.sh|" \
      -e "s|^\\([[:space:]]*sqlite_path:\\).*|\\1 \"$STATE_DIR/routex_metrics.db\"|" \
      -e "s|^\\([[:space:]]*file_path:\\).*|\\1 \"$STATE_DIR/routex.log\"   # used when output is file|" \
      -e "s|^\\([[:space:]]*format:\\) \"text\".*|\\1 \"json\"                  # one JSON object per line: journald, log shippers|" \
      -e "s|^\\([[:space:]]*output:\\) \"stdout\".*|\\1 \"$log_output\"|" \
      "$SRC_DIR/configs/global.yaml"
  } >"$out"
  # The example file may change: fail loudly rather than install its example keys or paths.
  if grep -q 'change_me' "$out" || ! grep -q "$STATE_DIR/routex_metrics.db" "$out" || ! grep -q "$STATE_DIR/routex.log" "$out" || ! grep -q 'format: "json"' "$out"; then
    die "configs/global.yaml no longer matches what install.sh rewrites (keys, sqlite_path, file_path, format); update render_global_yaml"
  fi
}

install_config() {
  local dest tmp
  say "configuration in $CONF_DIR"
  ensure_dir "$CONF_DIR" 750 "root:$SERVICE_USER"
  ensure_dir "$CONF_DIR/proxies" 750 "$SERVICE_USER:$SERVICE_USER"
  ensure_dir "$STATE_DIR" 750 "$SERVICE_USER:$SERVICE_USER"
  dest="$(target "$CONF_DIR/global.yaml")"
  if [ -e "$dest" ]; then
    unchanged "$CONF_DIR/global.yaml exists, left as it is"
    return
  fi
  tmp="$(mktemp)"
  render_global_yaml "$tmp"
  if [ "$DRY_RUN" = 0 ]; then
    install -m 640 "$tmp" "$dest"
    staging || chown "root:$SERVICE_USER" "$dest"
  fi
  rm -f "$tmp"
  changed "created $CONF_DIR/global.yaml (API on 127.0.0.1:9000, new random API keys, state in $STATE_DIR)"
}

# ---------------------------------------------------------------------------------------------
# Service

render_service_file() {
  local src="$1" out="$2"
  sed -e "s|/opt/routex|$PREFIX|g" -e "s|/usr/bin/node|$NODE_BIN|g" "$src" >"$out"
}

systemctl_cmd() {
  if staging; then systemctl --root="$ROOT" --quiet "$@"; else systemctl --quiet "$@"; fi
}

install_systemd_unit() {
  local unit tmp
  unit="$(target "/etc/systemd/system/$SERVICE.service")"
  tmp="$(mktemp)"
  render_service_file "$SRC_DIR/systemd/routex.service" "$tmp"
  if sync_file "$tmp" "$unit" 644 "wrote /etc/systemd/system/$SERVICE.service"; then
    SERVICE_FILE_CHANGED=1
    if systemd_running; then run systemctl daemon-reload; fi
  else
    unchanged "/etc/systemd/system/$SERVICE.service"
  fi
  rm -f "$tmp"
  if command -v systemctl >/dev/null 2>&1; then
    if [ "$DRY_RUN" = 0 ] && systemctl_cmd is-enabled "$SERVICE.service" 2>/dev/null; then
      unchanged "$SERVICE.service enabled"
    else
      if [ "$DRY_RUN" = 0 ]; then systemctl_cmd enable "$SERVICE.service" 2>/dev/null; fi
      changed "enabled $SERVICE.service"
    fi
  elif staging; then
    enable_by_symlink "/etc/systemd/system/multi-user.target.wants/$SERVICE.service" "/etc/systemd/system/$SERVICE.service"
  else
    die "systemctl not found: this distribution should run systemd"
  fi
}

install_openrc_service() {
  local script tmp
  script="$(target "/etc/init.d/$SERVICE")"
  tmp="$(mktemp)"
  render_service_file "$SRC_DIR/systemd/routex.openrc" "$tmp"
  if sync_file "$tmp" "$script" 755 "wrote /etc/init.d/$SERVICE"; then
    SERVICE_FILE_CHANGED=1
  else
    unchanged "/etc/init.d/$SERVICE"
  fi
  rm -f "$tmp"
  if staging; then
    enable_by_symlink "/etc/runlevels/default/$SERVICE" "/etc/init.d/$SERVICE"
  elif rc-update show default 2>/dev/null | grep -qw "$SERVICE"; then
    unchanged "$SERVICE in the default runlevel"
  else
    run rc-update add "$SERVICE" default
    changed "added $SERVICE to the default runlevel"
  fi
}

# What "enable" amounts to, done by hand in a staging root: enable_by_symlink LINK TARGET
enable_by_symlink() {
  local link
  link="$(target "$1")"
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$2" ]; then
    unchanged "$1 -> $2"
    return
  fi
  run mkdir -p "$(dirname "$link")"
  run ln -sfn "$2" "$link"
  changed "enabled: $1 -> $2"
}

service_active() {
  case "$INIT" in
    systemd) systemctl --quiet is-active "$SERVICE" 2>/dev/null ;;
    openrc) rc-service "$SERVICE" status >/dev/null 2>&1 ;;
  esac
}

service_do() {
  case "$INIT" in
    systemd) run systemctl "$1" "$SERVICE" ;;
    openrc) run rc-service "$SERVICE" "$1" ;;
  esac
}

start_service() {
  if staging; then
    say "  skip: starting the service (staging root)"
    return
  fi
  if [ "$START" = 0 ]; then
    say "  skip: starting the service (--no-start)"
    return
  fi
  if [ "$INIT" = systemd ] && ! systemd_running; then
    warn "systemd is not running here (a container?): the unit is installed but not started"
    START=0
    return
  fi
  if service_active; then
    if [ "$APP_CHANGED" = 1 ] || [ "$SERVICE_FILE_CHANGED" = 1 ]; then
      service_do restart
      changed "restarted $SERVICE (new app or service file; proxies drained first)"
    else
      unchanged "$SERVICE running"
    fi
  else
    service_do start
    changed "started $SERVICE"
  fi
}

# Polls the API's /api/health as global.yaml configures it; prints the URL.
check_health() {
  if staging || [ "$DRY_RUN" = 1 ] || [ "$START" = 0 ]; then
    return
  fi
  local status=0
  # shellcheck disable=SC2016 # JavaScript in single quotes, not shell
  "$NODE_BIN" --input-type=module -e '
    const [loaderPath, globalFile] = process.argv.slice(1);
    const { loadGlobalConfigFile } = await import(loaderPath);
    const api = loadGlobalConfigFile(globalFile).config?.api;
    if (!api?.enabled) process.exit(3);
    const host = api.host === "0.0.0.0" ? "127.0.0.1" : api.host === "::" ? "[::1]" : api.host.includes(":") ? `[${api.host}]` : api.host;
    const url = `${api.tls.enabled ? "https" : "http"}://${host}:${api.port}/api/health`;
    if (api.tls.enabled) process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.ok) { console.log(url); process.exit(0); }
      } catch {}
      if (Date.now() > deadline) { console.log(url); process.exit(1); }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  ' "$PREFIX/dist/shared/config/load-global.js" "$CONF_DIR/global.yaml" 2>/dev/null || status=$?
  case "$status" in
    0) say "  ok:   /api/health answers" ;;
    3) say "  skip: health check (api.enabled is false in $CONF_DIR/global.yaml)" ;;
    *)
      warn "/api/health did not answer within 30 s. Look at the logs: $(log_hint)"
      exit 1
      ;;
  esac
}

log_hint() {
  case "$INIT" in
    systemd) echo "journalctl -u $SERVICE -e" ;;
    openrc) echo "tail $STATE_DIR/routex.log $STATE_DIR/routex.stdout.log" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Uninstall

uninstall() {
  local app
  app="$(target "$PREFIX")"
  say "uninstalling RouteX from $PREFIX${ROOT:+ (staging root $ROOT)}"
  if [ -e "$app" ] && ! grep -qs '"name": "routex"' "$app/package.json"; then
    die "$PREFIX does not hold a RouteX install (no package.json named routex); not removing it"
  fi
  case "$INIT" in
    systemd) uninstall_systemd ;;
    openrc) uninstall_openrc ;;
  esac
  remove_path "$PREFIX"
  remove_path "$WRAPPER"
  if [ "$PURGE" = 1 ]; then
    remove_path "$CONF_DIR"
    remove_path "$STATE_DIR"
    if ! staging && id -u "$SERVICE_USER" >/dev/null 2>&1; then
      if [ "$FAMILY" = "alpine" ]; then run deluser "$SERVICE_USER"; else run userdel "$SERVICE_USER"; fi
      changed "removed system user $SERVICE_USER"
    fi
  else
    say "kept: $CONF_DIR (configuration), $STATE_DIR (metrics, logs) and the $SERVICE_USER user; --purge removes them"
  fi
}

remove_path() {
  local path
  path="$(target "$1")"
  if [ -e "$path" ] || [ -L "$path" ]; then
    run rm -rf "$path"
    changed "removed $1"
  fi
}

uninstall_systemd() {
  local unit="/etc/systemd/system/$SERVICE.service"
  if [ -e "$(target "$unit")" ]; then
    if ! staging && [ "$DRY_RUN" = 0 ]; then
      systemctl --quiet disable --now "$SERVICE.service" 2>/dev/null || true
    elif staging && [ "$DRY_RUN" = 0 ] && command -v systemctl >/dev/null 2>&1; then
      systemctl_cmd disable "$SERVICE.service" 2>/dev/null || true
    fi
    changed "stopped and disabled $SERVICE.service"
    remove_path "/etc/systemd/system/multi-user.target.wants/$SERVICE.service"
    remove_path "$unit"
    if systemd_running; then run systemctl daemon-reload; fi
  fi
}

uninstall_openrc() {
  if [ -e "$(target "/etc/init.d/$SERVICE")" ]; then
    if ! staging; then
      run rc-service "$SERVICE" stop || true
      run rc-update del "$SERVICE" default || true
    fi
    changed "stopped $SERVICE and removed it from the default runlevel"
    remove_path "/etc/runlevels/default/$SERVICE"
    remove_path "/etc/init.d/$SERVICE"
  fi
}

# ---------------------------------------------------------------------------------------------

summary() {
  local verb="installed"
  [ "$MODE" = "uninstall" ] && verb="uninstalled"
  echo
  if [ "${#CHANGES[@]}" -eq 0 ]; then
    say "nothing changed: RouteX is already $verb${ROOT:+ in $ROOT} and up to date"
  elif [ "$DRY_RUN" = 1 ]; then
    say "dry run: ${#CHANGES[@]} change(s) would be made; nothing was changed"
  else
    say "$verb${ROOT:+ into the staging root $ROOT}: ${#CHANGES[@]} change(s)"
  fi
  [ "$MODE" = "install" ] || return 0
  cat <<EOF

Next steps:
  1. Proxies: copy an example and edit it, e.g.
       cp $PREFIX/configs/proxies/minecraft.yaml $CONF_DIR/proxies/
     then check every file:      routex check
  2. Apply changes: proxy files are picked up on save; for global.yaml run
       $(reload_hint)
  3. Logs:                       $(follow_hint)
  4. API keys: generated in $CONF_DIR/global.yaml (api.api_keys); try
       curl http://127.0.0.1:9000/api/health
  5. Kernel rate limits and bans: set iptables.enabled: true in $CONF_DIR/global.yaml (see README).
EOF
}

reload_hint() {
  case "$INIT" in
    systemd) echo "systemctl reload $SERVICE" ;;
    openrc) echo "rc-service $SERVICE reload" ;;
  esac
}

follow_hint() {
  case "$INIT" in
    systemd) echo "journalctl -u $SERVICE -f" ;;
    openrc) echo "tail -f $STATE_DIR/routex.log" ;;
  esac
}

main() {
  parse_args "$@"
  [ "$DRY_RUN" = 0 ] || say "dry run: nothing will be changed"
  detect_os
  if [ "$MODE" = "uninstall" ]; then
    uninstall
    summary
    return
  fi
  say "requirements"
  ensure_node
  ensure_system_packages
  build_source
  install_app
  ensure_user
  install_config
  say "service ($INIT)"
  case "$INIT" in
    systemd) install_systemd_unit ;;
    openrc) install_openrc_service ;;
  esac
  start_service
  check_health
  summary
}

main "$@"
