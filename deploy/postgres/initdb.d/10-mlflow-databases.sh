#!/usr/bin/env bash
# Postgres init script (docker-compose mounts this folder at /docker-entrypoint-initdb.d; it runs once, on
# an empty data volume): MLflow's login role and its two databases, the tracking store and the basic-auth
# user store, both owned by that role so MLflow's own migrations can create their tables.
#
# Environment (from docker-compose.yml / .env): POSTGRES_USER, POSTGRES_DB (the superuser connection),
# MLFLOW_DB_USER, MLFLOW_DB_PASSWORD, MLFLOW_DB_NAME, MLFLOW_AUTH_DB_NAME.
# Safe to re-run by hand (`docker compose exec postgres /docker-entrypoint-initdb.d/10-mlflow-databases.sh`):
# existing objects are kept and the role's password is set again. The password travels as a psql variable,
# quoted by format(%L), never interpolated into SQL by the shell.
set -euo pipefail

: "${MLFLOW_DB_PASSWORD:?MLFLOW_DB_PASSWORD is not set (see .env.example)}"
role="${MLFLOW_DB_USER:-mlflow}"
tracking_db="${MLFLOW_DB_NAME:-mlflow}"
auth_db="${MLFLOW_AUTH_DB_NAME:-mlflow_auth}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v role="$role" -v password="$MLFLOW_DB_PASSWORD" -v tracking_db="$tracking_db" -v auth_db="$auth_db" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'tracking_db', :'role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'tracking_db') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'auth_db', :'role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'auth_db') \gexec
SQL

echo "scoreline init: MLflow role \"$role\" owns databases \"$tracking_db\" and \"$auth_db\""
