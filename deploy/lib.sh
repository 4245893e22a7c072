# Shared set-up for deploy/run.sh and deploy/test.sh: idempotent, quiet on success, loud on failure.
# Sourced, not executed. Installs OS packages (apt), the Python environment (.venv) and the
# dashboard build. Everything it installs is looked up first, so a second run does nothing.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_DIR="$ROOT/.sar/logs"
mkdir -p "$LOG_DIR"
SETUP_LOG="$LOG_DIR/setup.log"

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Run a step quietly; on failure show its output and stop.
quiet() {
  local what="$1"; shift
  if ! "$@" >>"$SETUP_LOG" 2>&1; then
    printf '\033[1;31m%s failed\033[0m; last lines of %s:\n' "$what" "$SETUP_LOG" >&2
    tail -n 40 "$SETUP_LOG" >&2
    exit 1
  fi
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "run as root or install sudo"
  SUDO="sudo"
fi

APT_UPDATED=0
apt_install() {
  # apt_install PKG...: install only the packages that are not installed yet.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing OS packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    quiet "apt-get update" $SUDO apt-get -o DPkg::Lock::Timeout=300 update -q
    APT_UPDATED=1
  fi
  quiet "apt-get install" $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
}

pg_major() {
  # The PostgreSQL server major version to pair PostGIS with (installed one, else Debian's default).
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1 || true)
  if [ -z "$v" ]; then
    v=$(apt-cache policy postgresql 2>/dev/null | awk '/Candidate:/ {print $2}' | sed -E 's/^([0-9]+).*/\1/')
  fi
  echo "${v:-15}"
}

install_os_packages() {
  command -v apt-get >/dev/null || die "this script needs Debian or Ubuntu (apt-get)"
  if [ ! -d /usr/lib/postgresql ] || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
  fi
  local v; v=$(pg_major)
  apt_install "postgresql-$v-postgis-3" python3 python3-venv ca-certificates
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
}

install_python_env() {
  local stamp="$ROOT/.venv/.sar-stamp"
  local want; want=$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$ROOT/.venv/bin/sar-coord" ]; then
    return 0
  fi
  say "preparing the Python environment (.venv)"
  local py=python3
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python >= 3.11 needed"
  [ -x "$ROOT/.venv/bin/python" ] || quiet "python venv" "$py" -m venv "$ROOT/.venv"
  [ -x "$ROOT/.venv/bin/uv" ] || quiet "pip install uv" "$ROOT/.venv/bin/python" -m pip install -q uv
  quiet "locked dependencies" "$ROOT/.venv/bin/uv" pip install -q --python "$ROOT/.venv/bin/python" \
    --require-hashes -r "$ROOT/requirements.lock"
  quiet "sar-coord package" "$ROOT/.venv/bin/uv" pip install -q --python "$ROOT/.venv/bin/python" \
    --no-deps -e "$ROOT"
  echo "$want" >"$stamp"
}

build_frontend() {
  [ -f "$ROOT/frontend/package.json" ] || return 0
  local fe="$ROOT/frontend"
  local stamp="$fe/node_modules/.sar-stamp"
  local want; want=$(sha256sum "$fe/package-lock.json" 2>/dev/null | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing dashboard packages (npm ci)"
    (cd "$fe" && quiet "npm ci" npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
  local newest_src
  newest_src=$(find "$fe/src" "$fe/index.html" "$fe/package.json" "$fe"/*.config.* -newer "$fe/dist/index.html" 2>/dev/null | head -n 1 || true)
  if [ ! -f "$fe/dist/index.html" ] || [ -n "$newest_src" ]; then
    say "building the dashboard"
    (cd "$fe" && quiet "dashboard build" npm run build)
  fi
}

setup_all() {
  : >"$SETUP_LOG"
  install_os_packages
  install_python_env
  build_frontend
}
