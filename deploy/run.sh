#!/usr/bin/env bash
# Quick start: install what is missing, then run the whole system on the embedded database.
# Ctrl-C stops everything (API, ingest, database). Extra arguments go to `sar-coord up`.
source "$(dirname "$0")/lib.sh"
setup_all
cd "$ROOT"
exec "$ROOT/.venv/bin/sar-coord" up "$@"
