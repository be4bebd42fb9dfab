#!/usr/bin/env bash
# Back up the PostgreSQL database to a compressed custom-format dump.
#   scripts/backup.sh [DATABASE_URL] [DIR]      (cron: 15 2 * * * /srv/wijktour/scripts/backup.sh)
set -euo pipefail
URL="${1:-${DATABASE_URL:?set DATABASE_URL or pass it}}"
DIR="${2:-${BACKUP_DIR:-/var/backups/wijktour}}"
mkdir -p "$DIR"
FILE="$DIR/wijktour-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --dbname="$URL" --file="$FILE"
# Keep 30 days of dumps.
find "$DIR" -name 'wijktour-*.dump' -mtime +30 -delete
echo "$FILE"
