#!/usr/bin/env bash
# NATS with JetStream for the integration tests: `start` installs nats-server (Debian) if absent, runs it on
# a free 127.0.0.1 port with JetStream storage in a temp folder, and prints the variables the tests read.
#   eval "$(bash tools/services/nats.sh start)"    # exports AGENTIC_SYNTH_NATS_URL, AGENTIC_SYNTH_REQUIRE_NATS=1
#   bash tools/services/nats.sh stop
set -uo pipefail
. "$(dirname "$0")/lib.sh"

launch_nats() {  # PORT DATA STATE
  local port="$1" data="$2" state="$3"
  ensure_installed nats-server nats-server || return 1
  setsid nats-server -a 127.0.0.1 -p "$port" --jetstream --store_dir "$data/jetstream" \
    --pid "$data/nats.pid" --log "$data/nats.log" </dev/null >/dev/null 2>&1 &
  echo $! > "$state/pid"
  wait_for_port "$port" 10 || { echo "services: nats-server did not start (see $data/nats.log)" >&2; return 1; }
  echo "services: nats-server $(nats-server --version | grep -o 'v[0-9][0-9.]*') (JetStream) on 127.0.0.1:$port" >&2
}

service_command nats nats launch_nats "${1:-}"
