#!/usr/bin/env bash
# Start a throwaway MLflow tracking server for Scoreline's service tests and benchmarks.
#
#   scripts/mlflow-server.sh [start] [--basic-auth]   prints MLFLOW_URI=… and MLFLOW_PID=… (and MLFLOW_DIR=…)
#   scripts/mlflow-server.sh stop <pid>                stops a server started by this script
#   scripts/mlflow-server.sh python                    prints the venv's python (for interop scripts)
#
# The virtualenv lives outside the repo in ${XDG_CACHE_HOME:-$HOME/.cache}/scoreline/mlflow-venv and is
# created on first use with a pinned MLflow (with the [auth] extra for --basic-auth). Each server gets a free loopback port, a temporary SQLite
# backend and a temporary artifacts folder (proxied artifact serving, the default in MLflow 3).
# With --basic-auth the server runs `--app-name basic-auth`; the admin user is `admin` with the password in
# MLFLOW_AUTH_ADMIN_PASSWORD or a random one, printed as MLFLOW_ADMIN_USERNAME=… / MLFLOW_ADMIN_PASSWORD=…
# (a throwaway loopback test server: the credential dies with it).
set -euo pipefail

MLFLOW_VERSION="3.17.2"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/scoreline"
VENV="${SCORELINE_MLFLOW_VENV:-$CACHE_ROOT/mlflow-venv}"
HEALTH_TIMEOUT="${MLFLOW_HEALTH_TIMEOUT:-120}"

log() { echo "mlflow-server: $*" >&2; }

ensure_venv() {
  if [[ -x "$VENV/bin/mlflow" ]] && "$VENV/bin/python" -c "import mlflow, flask_wtf, sys; sys.exit(0 if mlflow.__version__ == '$MLFLOW_VERSION' else 1)" 2>/dev/null; then
    return
  fi
  log "installing mlflow[auth]==$MLFLOW_VERSION into $VENV (first run takes a few minutes)"
  mkdir -p "$(dirname "$VENV")"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "mlflow[auth]==$MLFLOW_VERSION" >&2
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local app_args=()
  if [[ "${1:-}" == "--basic-auth" ]]; then app_args=(--app-name basic-auth); shift; fi
  ensure_venv
  local dir port uri pid
  dir="$(mktemp -d "${TMPDIR:-/tmp}/scoreline-mlflow.XXXXXX")"
  mkdir -p "$dir/artifacts"
  port="$(free_port)"
  uri="http://127.0.0.1:$port"
  local admin_password=""
  if [[ ${#app_args[@]} -gt 0 ]]; then
    admin_password="${MLFLOW_AUTH_ADMIN_PASSWORD:-$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(18))')}"
    cat > "$dir/basic_auth.ini" <<INI
[mlflow]
default_permission = READ
database_uri = sqlite:///$dir/basic_auth.db
admin_username = admin
admin_password = $admin_password
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
INI
    chmod 600 "$dir/basic_auth.ini"
    export MLFLOW_AUTH_CONFIG_PATH="$dir/basic_auth.ini"
    export MLFLOW_AUTH_ADMIN_PASSWORD="$admin_password"
    export MLFLOW_FLASK_SERVER_SECRET_KEY="scoreline-test-$port"
  fi
  # setsid: the server (and its gunicorn/uvicorn workers) get their own process group, so `stop` can end
  # exactly this server's processes.
  setsid "$VENV/bin/mlflow" server --host 127.0.0.1 --port "$port" \
    --backend-store-uri "sqlite:///$dir/mlflow.db" --artifacts-destination "$dir/artifacts" \
    --workers 2 "${app_args[@]}" >"$dir/server.log" 2>&1 < /dev/null &
  pid=$!
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  until curl -fsS "$uri/health" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the server exited before becoming healthy; last lines of $dir/server.log:"
      tail -n 30 "$dir/server.log" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "no healthy answer from $uri/health within ${HEALTH_TIMEOUT}s; last lines of $dir/server.log:"
      tail -n 30 "$dir/server.log" >&2 || true
      kill -TERM -- "-$pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  echo "MLFLOW_URI=$uri"
  echo "MLFLOW_PID=$pid"
  echo "MLFLOW_DIR=$dir"
  if [[ -n "$admin_password" ]]; then
    echo "MLFLOW_ADMIN_USERNAME=admin"
    echo "MLFLOW_ADMIN_PASSWORD=$admin_password"
  fi
}

stop() {
  local pid="${1:?usage: scripts/mlflow-server.sh stop <pid>}"
  [[ "$pid" =~ ^[0-9]+$ ]] || { log "not a pid: $pid"; exit 2; }
  if ! kill -0 "$pid" 2>/dev/null; then log "no process $pid (already stopped)"; return 0; fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-start}" in
  start) shift || true; start "$@" ;;
  --basic-auth) start "$@" ;;
  stop) shift; stop "$@" ;;
  python) ensure_venv; echo "$VENV/bin/python" ;;
  *) log "usage: $0 [start [--basic-auth] | stop <pid> | python]"; exit 2 ;;
esac
