#!/usr/bin/env bash
# Back up sar-coord: a pg_dump (custom format) of the database AND a copy of the transparency-log
# signing key, each with checksums and a manifest that deploy/restore.sh verifies.
#
#   deploy/backup.sh [--env-file FILE] [--out DIR] [--key-out DIR] [--no-key] [--keep N]
#
#   --no-key   do not copy the signing key (scheduled runs: the key does not change, so back it
#              up once, and again after a rotation); the manifest still records its SHA-256 and
#              public key, which deploy/restore.sh checks the key you bring against.
#
# Settings (environment or --env-file, e.g. /etc/sar-coord/sar-coord.env):
#   SAR_DATABASE_URL          database to dump (unset: the running embedded cluster of SAR_HOME)
#   SAR_HOME, SAR_LOG_SIGNING_KEY_PATH   where the signing key is (default SAR_HOME/keys/...)
#   SAR_BACKUP_DIR            default --out (default /var/backups/sar-coord, or ./backups)
#   SAR_BACKUP_KEEP           database backups kept in --out (default 14; older are deleted)
#   PG_BINDIR                 directory of pg_dump/pg_restore/psql (default: newest installed)
#
# Output:
#   OUT/sar-coord-STAMP/      sar.dump, sar.toc, manifest.json, SHA256SUMS   (the database)
#   KEY_OUT/sar-coord-key-STAMP/  log_ed25519.key, SHA256SUMS                (the secret key)
#
# !! The signing key is a SECRET: anyone holding it can sign log checkpoints. Store the key
# !! backup SEPARATELY from the database backups (different medium, access, retention), e.g.
# !! an offline encrypted medium or a secrets vault; never in the same bucket as the dumps.
# !! Without the key, a restored log still verifies (public key in the manifest) but cannot
# !! be extended under the same identity. Losing it means rotating to a new key and origin.
#
# Exit status: 0 ok, 1 failure (nothing partial is left as a "complete" backup).
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${SAR_PYTHON:-$ROOT/.venv/bin/python}"
say() { printf '%s\n' "$*" >&2; }
die() { printf 'backup: error: %s\n' "$*" >&2; exit 1; }

ENV_FILE="" OUT="" KEY_OUT="" KEEP="" COPY_KEY=1
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) ENV_FILE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --key-out) KEY_OUT="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    --no-key) COPY_KEY=0; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
if [ -n "$ENV_FILE" ]; then
  [ -r "$ENV_FILE" ] || die "cannot read $ENV_FILE"
  set -a; # shellcheck disable=SC1090
  . "$ENV_FILE"; set +a
fi
[ -x "$PY" ] || die "python of the sar-coord environment not found at $PY (set SAR_PYTHON)"

if [ -z "${PG_BINDIR:-}" ]; then
  PG_BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
pgtool() { if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/$1" ]; then echo "$PG_BINDIR/$1"; else command -v "$1" || die "$1 not found (install postgresql-client or set PG_BINDIR)"; fi; }
PG_DUMP=$(pgtool pg_dump); PG_RESTORE=$(pgtool pg_restore); PSQL=$(pgtool psql)

# The database URL for libpq tools (the app uses postgresql+asyncpg://).
APP_URL="${SAR_DATABASE_URL:-}"
if [ -z "$APP_URL" ]; then
  APP_URL=$(cd "$ROOT" && "$PY" -c '
from sar_coord.core.config import get_settings
from sar_coord.core.embedded import EmbeddedCluster
c = EmbeddedCluster(get_settings().home)
print(c.database_url if c.is_running() else "")') || true
  [ -n "$APP_URL" ] || die "SAR_DATABASE_URL is not set and no embedded cluster is running (start sar-coord up)"
  say "backing up the embedded database of ${SAR_HOME:-./.sar}"
fi
PG_URL=$(printf '%s' "$APP_URL" | sed -e 's#^postgresql+asyncpg://#postgresql://#' -e 's#\([?&]\)ssl=#\1sslmode=#')

KEY_PATH=$(cd "$ROOT" && "$PY" -c 'from sar_coord.core.config import get_settings; print(get_settings().signing_key_path.resolve())')

OUT="${OUT:-${SAR_BACKUP_DIR:-}}"
if [ -z "$OUT" ]; then
  if [ -w /var/backups ]; then OUT=/var/backups/sar-coord; else OUT="$ROOT/backups"; fi
fi
KEY_OUT="${KEY_OUT:-$OUT-keys}"
KEEP="${KEEP:-${SAR_BACKUP_KEEP:-14}}"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DEST="$OUT/sar-coord-$STAMP"
TMP="$OUT/.sar-coord-$STAMP.partial"
mkdir -p "$OUT"
rm -rf "$TMP"; mkdir -m 700 "$TMP"
trap 'rm -rf "$TMP"' EXIT

say "dumping the database to $DEST"
"$PG_DUMP" --format=custom --compress=6 --file="$TMP/sar.dump" "$PG_URL"
"$PG_RESTORE" --list "$TMP/sar.dump" >"$TMP/sar.toc" || die "the dump is not readable by pg_restore"

# Facts the restore checks: log size and newest checkpoint, schema revision, server version.
q() { "$PSQL" -X -A -t -q -v ON_ERROR_STOP=1 -d "$PG_URL" -c "$1"; }
LOG_ENTRIES=$(q "SELECT count(*) FROM transparency_log" 2>/dev/null || echo None)
LOG_MAX_LEAF=$(q "SELECT coalesce(max(leaf_index), -1) FROM transparency_log" 2>/dev/null || echo None)
CHECKPOINT_SIZE=$(q "SELECT coalesce(max(tree_size), 0) FROM log_checkpoint" 2>/dev/null || echo None)
REVISIONS=$(q "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version" 2>/dev/null || echo "")
SERVER_VERSION=$(q "SHOW server_version" | awk '{print $1}')

KEY_SHA="" VERIFIER_KEY=""
if [ -f "$KEY_PATH" ]; then
  KEY_SHA=$(sha256sum "$KEY_PATH" | cut -d' ' -f1)
  # The public verifier key (safe to store with the dump): lets anyone check the restored log.
  VERIFIER_KEY=$(cd "$ROOT" && SAR_LOG_SIGNING_KEY_PATH="$KEY_PATH" "$PY" -c '
from sar_coord.audit import service
print(service.get_signer().verifier_key())')
else
  say "WARNING: no signing key at $KEY_PATH (no checkpoint signed yet?): only the database is saved"
fi

"$PY" - "$TMP/manifest.json" <<EOF
import json, sys
json.dump({
    "kind": "sar-coord-backup", "format": 1, "created_at": "$STAMP",
    "database": {"file": "sar.dump", "server_version": "$SERVER_VERSION",
                 "alembic_revisions": [r for r in "$REVISIONS".split(",") if r]},
    "transparency_log": {"entries": $LOG_ENTRIES, "max_leaf_index": $LOG_MAX_LEAF,
                         "latest_checkpoint_size": $CHECKPOINT_SIZE},
    "signing_key": {"sha256": "$KEY_SHA" or None, "verifier_key": "$VERIFIER_KEY" or None,
                    "stored_separately_in": "$KEY_OUT/sar-coord-key-$STAMP" if "$KEY_SHA" and $COPY_KEY else None},
}, open(sys.argv[1], "w"), indent=2)
EOF
(cd "$TMP" && sha256sum sar.dump sar.toc manifest.json >SHA256SUMS)
mv "$TMP" "$DEST"
trap - EXIT

if [ -n "$KEY_SHA" ] && [ "$COPY_KEY" -eq 0 ]; then
  say "signing key not copied (--no-key); its SHA-256 and public key are in the manifest"
elif [ -n "$KEY_SHA" ]; then
  KDEST="$KEY_OUT/sar-coord-key-$STAMP"
  mkdir -p -m 700 "$KEY_OUT"
  mkdir -m 700 "$KDEST"
  cp "$KEY_PATH" "$KDEST/log_ed25519.key"
  chmod 600 "$KDEST/log_ed25519.key"
  (cd "$KDEST" && sha256sum log_ed25519.key >SHA256SUMS)
  say ""
  say "!! SIGNING KEY copied to $KDEST"
  say "!! It is a secret. Move it NOW to separate, secured storage (offline encrypted medium or a"
  say "!! secrets vault), away from the database backups, then delete this copy:"
  say "!!   shred -u $KDEST/log_ed25519.key"
  say ""
fi

# Retention: keep the newest $KEEP database backups (key copies are yours to manage).
if [ "$KEEP" -gt 0 ] 2>/dev/null; then
  ls -1d "$OUT"/sar-coord-2* 2>/dev/null | sort | head -n -"$KEEP" | while read -r old; do
    say "removing old backup $old"; rm -rf -- "$old"
  done
fi

say "backup complete: $DEST (log entries: $LOG_ENTRIES, checkpoint size: $CHECKPOINT_SIZE)"
echo "$DEST"
