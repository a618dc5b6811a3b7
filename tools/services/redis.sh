#!/usr/bin/env bash
# Redis for the integration tests: `start` installs redis-server (Debian) if absent, runs it on a free
# 127.0.0.1 port with its data in a temp folder, and prints the variables the tests read; `stop` ends it.
#   eval "$(bash tools/services/redis.sh start)"   # exports AGENTIC_SYNTH_REDIS_URL, AGENTIC_SYNTH_REQUIRE_REDIS=1
#   bash tools/services/redis.sh stop
set -uo pipefail
. "$(dirname "$0")/lib.sh"

launch_redis() {  # PORT DATA STATE
  local port="$1" data="$2" state="$3"
  ensure_installed redis-server redis-server || return 1
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --dir "$data" --save '' --appendonly no \
    --daemonize yes --pidfile "$data/redis.pid" --logfile "$data/redis.log" || return 1
  wait_for_port "$port" 10 || { echo "services: redis-server did not start (see $data/redis.log)" >&2; return 1; }
  for _ in $(seq 1 100); do [ -s "$data/redis.pid" ] && break; sleep 0.05; done
  cp "$data/redis.pid" "$state/pid"
  echo "services: redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on 127.0.0.1:$port" >&2
}

service_command redis redis launch_redis "${1:-}"
