#!/usr/bin/env bash
# Redis for the integration tests: `start` installs redis-server (Debian) if absent, runs it on a free
# 127.0.0.1 port with its data in a temp folder, and prints the variables the tests read; `stop` ends it.
#   eval "$(bash tools/services/redis.sh start)"   # exports AGENTIC_SYNTH_REDIS_URL, AGENTIC_SYNTH_REQUIRE_REDIS=1
#   bash tools/services/redis.sh stop
set -uo pipefail
. "$(dirname "$0")/lib.sh"
state="$(services_root)/redis"

case "${1:-}" in
  start)
    if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      echo "export AGENTIC_SYNTH_REDIS_URL=redis://127.0.0.1:$(cat "$state/port") AGENTIC_SYNTH_REQUIRE_REDIS=1"
      exit 0
    fi
    ensure_installed redis-server redis-server || exit 1
    rm -rf "$state" && mkdir -p "$state" || exit 1
    port="$(free_port)"
    data="$(mktemp -d "${TMPDIR:-/tmp}/agentic-synth-redis.XXXXXX")"
    echo "$data" > "$state/data"
    redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --dir "$data" --save '' --appendonly no \
      --daemonize yes --pidfile "$data/redis.pid" --logfile "$data/redis.log" || exit 1
    wait_for_port "$port" 10 || { echo "services: redis-server did not start (see $data/redis.log)" >&2; exit 1; }
    for _ in $(seq 1 100); do [ -s "$data/redis.pid" ] && break; sleep 0.05; done
    cp "$data/redis.pid" "$state/pid" && echo "$port" > "$state/port"
    echo "services: redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on 127.0.0.1:$port" >&2
    echo "export AGENTIC_SYNTH_REDIS_URL=redis://127.0.0.1:$port AGENTIC_SYNTH_REQUIRE_REDIS=1"
    ;;
  stop)
    data="$(cat "$state/data" 2>/dev/null || true)"
    stop_service "$state"
    [ -n "$data" ] && rm -rf "$data"
    exit 0
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
