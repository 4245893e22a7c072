#!/usr/bin/env bash
# Quick start: install everything the tests need, then run lint, types, import contracts,
# dashboard unit tests and the full pytest suite (real PostGIS, real sockets, real browser).
source "$(dirname "$0")/lib.sh"
setup_all
apt_install chromium fonts-dejavu-core gpsd-clients
cd "$ROOT"
V="$ROOT/.venv/bin"

# A PostgreSQL server for the tests: the machine's (127.0.0.1:5432, trust) when it answers,
# else a private throwaway cluster on a unix socket, stopped when the tests end.
TEST_CLUSTER=""
cleanup() {
  if [ -n "$TEST_CLUSTER" ]; then
    "$V/python" -m sar_coord.core.embedded stop "$TEST_CLUSTER" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
if [ -z "${SAR_TEST_SERVER_URL:-}" ]; then
  if "$V/python" - <<'PY' >/dev/null 2>&1
import asyncio, asyncpg
async def main():
    c = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres", timeout=5)
    await c.close()
asyncio.run(main())
PY
  then
    export SAR_TEST_SERVER_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
  else
    TEST_CLUSTER="$ROOT/.sar/test-cluster"
    say "no PostgreSQL at 127.0.0.1:5432: starting a private test cluster"
    SAR_TEST_SERVER_URL=$("$V/python" -m sar_coord.core.embedded start "$TEST_CLUSTER")
    export SAR_TEST_SERVER_URL
  fi
fi
export SAR_ENV=test SAR_JWT_SECRET="test-secret-$(date +%s)-0123456789abcdef0123456789"

status=0
step() {
  local name="$1"; shift
  say "== $name"
  if ! "$@"; then printf '\033[1;31m%s FAILED\033[0m\n' "$name" >&2; status=1; fi
}
step "ruff lint" "$V/ruff" check --quiet .
step "ruff format" "$V/ruff" format --check --quiet .
step "mypy (strict)" "$V/mypy" --no-error-summary
step "import contracts" "$V/lint-imports" --no-cache
if [ -f frontend/package.json ]; then
  step "dashboard unit tests" bash -c "cd frontend && npm test --silent"
fi
step "pytest" "$V/pytest" -q -m "not slow" -p no:cacheprovider "$@"
exit $status
