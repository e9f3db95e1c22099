#!/usr/bin/env bash
# Backs up Centralino: the database and DATA_DIR (voice journal, session secret, PGlite files).
# See README, "Backups and restore".
#
#   DATABASE_URL=postgres://… DATA_DIR=/var/lib/centralino scripts/backup.sh [destination]
#
# Native PostgreSQL: pg_dump -Fc, consistent while the server runs (one snapshot). Its major
# version must be the server's or newer. Without DATABASE_URL the database is the embedded PGlite
# in DATA_DIR/pglite: stop the server first (one process owns that directory).
# Prints the backup directory: database.dump or pglite.tar.gz, data-dir.tar.gz, SHA256SUMS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
node="$root/node_modules/.bin/node"
[ -x "$node" ] || node=node
destination=${1:-./backups}
data_dir=${DATA_DIR:-./data}
[ -d "$data_dir" ] || { echo "DATA_DIR $data_dir does not exist" >&2; exit 2; }

backup="$destination/centralino-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$backup"

if [ -n "${DATABASE_URL:-}" ]; then
  pg_dump --format=custom --no-owner --no-privileges --file="$backup/database.dump" "$DATABASE_URL"
  echo "database: pg_dump $(pg_dump --version | awk '{print $NF}') → database.dump" >&2
else
  "$node" "$root/scripts/pglite-datadir.ts" dump "$data_dir/pglite" "$backup/pglite.tar.gz"
fi
# Everything else in DATA_DIR; the PGlite directory is in pglite.tar.gz already.
tar -C "$data_dir" --exclude=./pglite -czf "$backup/data-dir.tar.gz" .
(cd "$backup" && sha256sum -- * > SHA256SUMS)
echo "$backup"
