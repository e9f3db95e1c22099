#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into a FRESH database and a new DATA_DIR.
# See README, "Backups and restore".
#
#   createdb centralino_restored
#   DATABASE_URL=postgres://…/centralino_restored DATA_DIR=/var/lib/centralino-restored scripts/restore.sh <backup-dir>
#
# A PGlite backup (pglite.tar.gz) is restored into DATA_DIR/pglite; DATABASE_URL is not used.
# Refuses a database that already has tables, and a DATA_DIR/pglite that is not empty.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
node="$root/node_modules/.bin/node"
[ -x "$node" ] || node=node
backup=${1:?usage: DATABASE_URL=… DATA_DIR=… scripts/restore.sh <backup-dir>}
data_dir=${DATA_DIR:?set DATA_DIR to the directory to restore into}

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "backup $backup is damaged (SHA256SUMS)" >&2; exit 1; }
mkdir -p "$data_dir"

if [ -f "$backup/database.dump" ]; then
  [ -n "${DATABASE_URL:-}" ] || { echo "set DATABASE_URL to a fresh, empty database" >&2; exit 2; }
  tables=$(psql "$DATABASE_URL" -XAtc "select count(*) from information_schema.tables where table_schema in ('public', 'drizzle')")
  [ "$tables" = "0" ] || { echo "the database has $tables tables already: restore into a fresh one" >&2; exit 1; }
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$backup/database.dump"
  echo "database restored from database.dump" >&2
elif [ -f "$backup/pglite.tar.gz" ]; then
  "$node" "$root/scripts/pglite-datadir.ts" load "$backup/pglite.tar.gz" "$data_dir/pglite"
else
  echo "no database.dump nor pglite.tar.gz in $backup" >&2
  exit 1
fi
tar -C "$data_dir" -xzf "$backup/data-dir.tar.gz"
echo "DATA_DIR restored into $data_dir" >&2
