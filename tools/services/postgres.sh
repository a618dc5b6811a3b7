#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: a fresh cluster under a temp dir, bound to 127.0.0.1.
#
#   eval "$(bash tools/services/postgres.sh start)"   # prints the export lines the tests read
#   bash tools/services/postgres.sh stop              # stops it and deletes its directory
#
# `start` installs Debian's postgresql when no server binaries are found (as root, via apt-get),
# runs initdb as the `postgres` user when started as root (initdb refuses root), picks a free port,
# and prints:
#   export AGENTIC_SYNTH_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres
#   export AGENTIC_SYNTH_REQUIRE_POSTGRES=1           # the PostgreSQL tests then fail instead of skipping
# A watcher stops the server when the shell that ran `start` exits (AGENTIC_SYNTH_POSTGRES_OWNER=PID
# names another process to outlive), so CI needs no trap; `stop` stops it at once. Everything else goes to stderr.
set -euo pipefail

STATE="${TMPDIR:-/tmp}/agentic-synth-postgres.state"
log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

install_server() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "no PostgreSQL server binaries found; install Debian's 'postgresql' package"
    exit 1
  fi
  log "installing Debian's postgresql (no default cluster)"
  mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" \
    > /etc/postgresql-common/createcluster.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends postgresql >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Run a server command as the cluster's owner (the postgres user when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The shell that asked for the server: our parent, or (under `eval "$(... start)"`, where the parent
# may be a forked copy of the shell for the command substitution) the first ancestor that is not a copy.
owner_shell() {
  local owner="${AGENTIC_SYNTH_POSTGRES_OWNER:-$PPID}" parent
  while [ -z "${AGENTIC_SYNTH_POSTGRES_OWNER:-}" ] && [ -r "/proc/$owner/stat" ]; do
    parent="$(awk '{print $4}' "/proc/$owner/stat")"
    if [ "$parent" -gt 1 ] && cmp -s "/proc/$owner/cmdline" "/proc/$parent/cmdline"; then
      owner="$parent"
    else
      break
    fi
  done
  echo "$owner"
}

stop_server() {
  [ -f "$STATE" ] || { log "no server recorded in $STATE"; return 0; }
  # shellcheck disable=SC1090
  . "$STATE"
  if [ -d "$PG_DIR/data" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${PG_WATCHER:-}" ] && kill "$PG_WATCHER" 2>/dev/null || true
  rm -rf "$PG_DIR"
  rm -f "$STATE"
  log "stopped"
}

start_server() {
  if [ -f "$STATE" ]; then
    log "a server from an earlier start is still recorded; stopping it first"
    stop_server
  fi
  local bin dir port owner_shell
  bin="$(find_bin)" || { install_server; bin="$(find_bin)"; }
  dir="$(mktemp -d "${TMPDIR:-/tmp}/agentic-synth-pg.XXXXXX")"
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  port="$(free_port)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  owner_shell="$(owner_shell)"
  # The watcher: when the shell that asked for the server is gone, stop the server and clean up.
  (
    trap '' HUP
    while kill -0 "$owner_shell" 2>/dev/null && [ -d "$dir/data" ]; do sleep 2; done
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$dir"
      rm -f "$STATE"
    fi
  ) </dev/null >/dev/null 2>&1 &
  printf 'PG_DIR=%q\nPG_BIN=%q\nPG_PORT=%q\nPG_WATCHER=%q\n' "$dir" "$bin" "$port" "$!" > "$STATE"
  log "PostgreSQL $("$bin/postgres" --version | awk "{print \$3}") on 127.0.0.1:$port (data in $dir)"
  echo "export AGENTIC_SYNTH_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
  echo "export AGENTIC_SYNTH_REQUIRE_POSTGRES=1"
}

case "${1:-}" in
  start) start_server ;;
  stop) stop_server ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
