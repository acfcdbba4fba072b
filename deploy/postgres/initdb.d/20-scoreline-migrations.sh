#!/usr/bin/env bash
# Postgres init script: applies Scoreline's schema migrations to POSTGRES_DB, from the folder
# docker-compose mounts read-only at /scoreline/migrations (main/services/data/postgres/migrations in the
# repo: the same files the app's migratePostgres() applies, never copies).
#
# Each NNNN_name.sql runs in file-name order in its own transaction (psql --single-transaction, stop on the
# first error) together with its schema_migrations row. The row's checksum is left NULL: the app adopts it
# (records the file's checksum) on its first connection, exactly as for any psql-initialised database.
# A failing migration aborts the container's first start with psql's error and the file name; fix the
# file and recreate the volume (`docker compose down -v`) -- see README, Troubleshooting.
set -euo pipefail

dir="${SCORELINE_MIGRATIONS_DIR:-/scoreline/migrations}"
if [[ ! -d "$dir" ]]; then
  echo "scoreline init: migrations folder $dir is missing (is it mounted?)" >&2
  exit 1
fi

shopt -s nullglob
files=()
while IFS= read -r file; do files+=("$file"); done < <(
  for f in "$dir"/*.sql; do basename "$f"; done | LC_ALL=C sort
)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "scoreline init: no migrations in $dir" >&2
  exit 1
fi

applied=0
for file in "${files[@]}"; do
  if [[ ! "$file" =~ ^([0-9]{4})_([a-z0-9_]+)\.sql$ ]]; then
    echo "scoreline init: skipping $file (not NNNN_name.sql)" >&2
    continue
  fi
  version=$((10#${BASH_REMATCH[1]}))
  name="${BASH_REMATCH[2]}"
  echo "scoreline init: applying $file"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --single-transaction \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v version="$version" -v name="$name" \
    -f "$dir/$file" \
    -f - <<'SQL'
INSERT INTO schema_migrations (version, name, checksum) VALUES (:'version'::integer, :'name', NULL)
ON CONFLICT (version) DO NOTHING;
SQL
  applied=$((applied + 1))
done
echo "scoreline init: applied $applied migration(s) to \"${POSTGRES_DB:-postgres}\""
