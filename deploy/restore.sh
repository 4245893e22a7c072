#!/usr/bin/env bash
# Restore a sar-coord backup made by deploy/backup.sh, and verify it.
#
#   deploy/restore.sh BACKUP_DIR [--key KEY_FILE_OR_DIR] [--target-url URL] [--install-key]
#                     [--env-file FILE] [--force]
#
#   BACKUP_DIR      a sar-coord-STAMP directory (sar.dump, manifest.json, SHA256SUMS)
#   --key           the log_ed25519.key saved separately (or its sar-coord-key-STAMP directory)
#   --target-url    database to restore into (default SAR_DATABASE_URL); it must be EMPTY
#                   (createdb it first) unless --force, which drops its schema `public` first
#   --install-key   copy the key to SAR_LOG_SIGNING_KEY_PATH (default SAR_HOME/keys/...),
#                   refusing to overwrite a different existing key
#
# Verification (any failure: exit 1):
#   1. checksums of the dump and manifest (SHA256SUMS); the dump's table of contents reads;
#   2. the key file's SHA-256 matches the manifest, and its public key equals the manifest's;
#   3. after pg_restore: schema revisions, transparency-log entry count and newest checkpoint
#      equal the manifest's;
#   4. the whole log is exported and verified offline (`audit verify`: Merkle tree recomputed,
#      every checkpoint signature checked against the pinned public key, consistency between
#      checkpoints). Without --key, step 4 still runs against the manifest's public key.
# Stop the API and ingest services before restoring into the live database.
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${SAR_PYTHON:-$ROOT/.venv/bin/python}"
say() { printf '%s\n' "$*" >&2; }
die() { printf 'restore: FAIL: %s\n' "$*" >&2; exit 1; }

BACKUP="" KEY="" TARGET="" INSTALL_KEY=0 FORCE=0 ENV_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) KEY="$2"; shift 2 ;;
    --target-url) TARGET="$2"; shift 2 ;;
    --install-key) INSTALL_KEY=1; shift ;;
    --force) FORCE=1; shift ;;
    --env-file) ENV_FILE="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$BACKUP" ] || die "one backup directory only"; BACKUP="$1"; shift ;;
  esac
done
[ -n "$BACKUP" ] || die "usage: deploy/restore.sh BACKUP_DIR [--key FILE] [--target-url URL]"
if [ -n "$ENV_FILE" ]; then
  [ -r "$ENV_FILE" ] || die "cannot read $ENV_FILE"
  set -a; # shellcheck disable=SC1090
  . "$ENV_FILE"; set +a
fi
[ -x "$PY" ] || die "python of the sar-coord environment not found at $PY (set SAR_PYTHON)"
BACKUP="$(cd "$BACKUP" && pwd)"
if [ -z "${PG_BINDIR:-}" ]; then
  PG_BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
pgtool() { if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/$1" ]; then echo "$PG_BINDIR/$1"; else command -v "$1" || die "$1 not found (install postgresql-client or set PG_BINDIR)"; fi; }
PG_RESTORE=$(pgtool pg_restore); PSQL=$(pgtool psql)
mf() { "$PY" -c "import json,sys; d=json.load(open('$BACKUP/manifest.json')); v=d$1; print('' if v is None else (','.join(v) if isinstance(v, list) else v))"; }

# ---- 1. the backup itself ---------------------------------------------------------------------
say "1/4 checking $BACKUP"
for f in SHA256SUMS manifest.json sar.dump; do
  [ -f "$BACKUP/$f" ] || die "$BACKUP is not a sar-coord backup ($f missing)"
done
(cd "$BACKUP" && sha256sum --quiet --check SHA256SUMS) || die "checksum mismatch in $BACKUP"
"$PG_RESTORE" --list "$BACKUP/sar.dump" >/dev/null || die "pg_restore cannot read sar.dump"
[ "$(mf '["kind"]')" = "sar-coord-backup" ] || die "manifest kind is not sar-coord-backup"

# ---- 2. the signing key -----------------------------------------------------------------------
WANT_SHA=$(mf '["signing_key"]["sha256"]')
WANT_VKEY=$(mf '["signing_key"]["verifier_key"]')
if [ -n "$KEY" ]; then
  say "2/4 checking the signing key"
  [ -d "$KEY" ] && KEY="$KEY/log_ed25519.key"
  [ -f "$KEY" ] || die "no key file at $KEY"
  if [ -f "$(dirname "$KEY")/SHA256SUMS" ]; then
    (cd "$(dirname "$KEY")" && sha256sum --quiet --check SHA256SUMS) || die "key checksum mismatch"
  fi
  GOT_SHA=$(sha256sum "$KEY" | cut -d' ' -f1)
  [ -z "$WANT_SHA" ] || [ "$GOT_SHA" = "$WANT_SHA" ] \
    || die "the key $KEY is not the key of this backup (sha256 $GOT_SHA, manifest $WANT_SHA)"
  GOT_VKEY=$(cd "$ROOT" && SAR_LOG_SIGNING_KEY_PATH="$KEY" "$PY" -c '
from sar_coord.audit import service
print(service.get_signer().verifier_key())')
  [ -z "$WANT_VKEY" ] || [ "$GOT_VKEY" = "$WANT_VKEY" ] || die "public key mismatch: $GOT_VKEY"
  WANT_VKEY="$GOT_VKEY"
else
  say "2/4 no --key given: the log is verified with the manifest's public key only;"
  say "    new checkpoints need the key (restore it later with --install-key)"
fi

# ---- 3. the database --------------------------------------------------------------------------
APP_URL="${TARGET:-${SAR_DATABASE_URL:-}}"
[ -n "$APP_URL" ] || die "no target: pass --target-url or set SAR_DATABASE_URL"
PG_URL=$(printf '%s' "$APP_URL" | sed -e 's#^postgresql+asyncpg://#postgresql://#' -e 's#\([?&]\)ssl=#\1sslmode=#')
case "$APP_URL" in postgresql+asyncpg://*) ;; *) APP_URL=$(printf '%s' "$APP_URL" | sed 's#^postgres\(ql\)\?://#postgresql+asyncpg://#') ;; esac
q() { "$PSQL" -X -A -t -q -v ON_ERROR_STOP=1 -d "$PG_URL" -c "$1"; }
TABLES=$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('spatial_ref_sys')") \
  || die "cannot connect to the target database"
say "3/4 restoring into $(printf '%s' "$PG_URL" | sed 's#//[^@]*@#//***@#')"
if [ "$TABLES" != "0" ]; then
  [ "$FORCE" -eq 1 ] || die "the target database has $TABLES tables: restore into an empty database (createdb), or --force to replace its contents"
  # pg_restore --clean cannot drop partitioned tables' inherited constraints: start afresh.
  say "    --force: dropping schema public (all sar-coord tables, PostGIS) first"
  PGOPTIONS="-c client_min_messages=warning" q "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null || die "cannot empty the target"
fi
"$PG_RESTORE" --exit-on-error --no-owner --no-privileges --dbname="$PG_URL" \
  "$BACKUP/sar.dump" || die "pg_restore failed (see above)"

check_eq() {  # what, got, want
  if [ -n "$3" ] && [ "$2" != "$3" ]; then die "$1: restored $2, backup had $3"; fi
  say "    $1: $2 ok"
}
check_eq "schema revisions" "$(q "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version")" "$(mf '["database"]["alembic_revisions"]')"
check_eq "log entries" "$(q "SELECT count(*) FROM transparency_log")" "$(mf '["transparency_log"]["entries"]')"
check_eq "newest checkpoint size" "$(q "SELECT coalesce(max(tree_size), 0) FROM log_checkpoint")" "$(mf '["transparency_log"]["latest_checkpoint_size"]')"

# ---- 4. the transparency log, verified offline ------------------------------------------------
say "4/4 verifying the transparency log"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Export with the backup's key when given, else with a throwaway key (its embedded public key is
# ignored: verification pins the manifest's public key).
EXPORT_KEY="${KEY:-$WORK/throwaway.key}"
AUDIT=(env SAR_DATABASE_URL="$APP_URL" SAR_LOG_SIGNING_KEY_PATH="$EXPORT_KEY" "$PY" -c
  'import sys; from sar_coord.audit.cli import app; sys.argv[0] = "sar-coord audit"; app()')
(cd "$ROOT" && "${AUDIT[@]}" export "$WORK/log.json" >&2) || die "log export failed"
if [ -n "$WANT_VKEY" ]; then
  (cd "$ROOT" && "${AUDIT[@]}" verify "$WORK/log.json" --verifier-key "$WANT_VKEY" >&2) \
    || die "the restored transparency log does not verify"
else
  say "    WARNING: the backup recorded no signing key: Merkle tree checked, signatures not pinned"
  (cd "$ROOT" && "${AUDIT[@]}" verify "$WORK/log.json" >&2) || die "the restored log does not verify"
fi

if [ "$INSTALL_KEY" -eq 1 ]; then
  [ -n "$KEY" ] || die "--install-key needs --key"
  DEST=$(cd "$ROOT" && "$PY" -c 'from sar_coord.core.config import get_settings; print(get_settings().signing_key_path.resolve())')
  if [ -f "$DEST" ] && ! cmp -s "$DEST" "$KEY"; then
    die "a different key already exists at $DEST: move it away first (it may sign another log)"
  fi
  mkdir -p -m 700 "$(dirname "$DEST")"
  install -m 600 "$KEY" "$DEST"
  say "    signing key installed at $DEST (mode 0600; chown it to the service user)"
fi
say "restore verified: $BACKUP"
