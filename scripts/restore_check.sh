#!/usr/bin/env bash
# Proves a backup restores: dump the database, restore it into a scratch database, compare row
# counts of every table, drop the scratch database. Exit non-zero on any difference.
#   scripts/restore_check.sh postgres://postgres@127.0.0.1:5432/wijktour_prodlike
set -euo pipefail
URL="${1:-${DATABASE_URL:?set DATABASE_URL or pass it}}"
BASE="${URL%/*}"
SCRATCH="wijktour_restore_check_$$"
TMP="$(mktemp -d)"
trap 'dropdb --if-exists --dbname="$BASE/postgres" "$SCRATCH" 2>/dev/null || psql "$BASE/postgres" -qc "DROP DATABASE IF EXISTS $SCRATCH"; rm -rf "$TMP"' EXIT
FILE="$(scripts/backup.sh "$URL" "$TMP")"
psql "$BASE/postgres" -qc "CREATE DATABASE $SCRATCH"
pg_restore --no-owner --dbname="$BASE/$SCRATCH" "$FILE"
count_rows() {
  psql "$1" -Atc "SELECT string_agg(format('%s=%s', t, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', t), false, true, '')))[1]::text), ' ' ORDER BY t) FROM (SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public') s"
}
BEFORE="$(count_rows "$URL")"
AFTER="$(count_rows "$BASE/$SCRATCH")"
if [ "$BEFORE" != "$AFTER" ]; then
  echo "restore differs from source"; diff <(tr ' ' '\n' <<<"$BEFORE") <(tr ' ' '\n' <<<"$AFTER"); exit 1
fi
echo "restore OK: $(wc -w <<<"$BEFORE") tables, same row counts ($FILE)"
