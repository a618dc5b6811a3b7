#!/usr/bin/env bash
# NATS with JetStream for the integration tests: `start` installs nats-server (Debian) if absent, runs it on
# a free 127.0.0.1 port with JetStream storage in a temp folder, and prints the variables the tests read.
#   eval "$(bash tools/services/nats.sh start)"    # exports AGENTIC_SYNTH_NATS_URL, AGENTIC_SYNTH_REQUIRE_NATS=1
#   bash tools/services/nats.sh stop
set -uo pipefail
. "$(dirname "$0")/lib.sh"
state="$(services_root)/nats"

case "${1:-}" in
  start)
    if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      echo "export AGENTIC_SYNTH_NATS_URL=nats://127.0.0.1:$(cat "$state/port") AGENTIC_SYNTH_REQUIRE_NATS=1"
      exit 0
    fi
    ensure_installed nats-server nats-server || exit 1
    rm -rf "$state" && mkdir -p "$state" || exit 1
    port="$(free_port)"
    data="$(mktemp -d "${TMPDIR:-/tmp}/agentic-synth-nats.XXXXXX")"
    echo "$data" > "$state/data"
    setsid nats-server -a 127.0.0.1 -p "$port" --jetstream --store_dir "$data/jetstream" \
      --pid "$data/nats.pid" --log "$data/nats.log" </dev/null >/dev/null 2>&1 &
    echo $! > "$state/pid"
    wait_for_port "$port" 10 || { echo "services: nats-server did not start (see $data/nats.log)" >&2; exit 1; }
    echo "$port" > "$state/port"
    echo "services: nats-server $(nats-server --version | grep -o 'v[0-9][0-9.]*') (JetStream) on 127.0.0.1:$port" >&2
    echo "export AGENTIC_SYNTH_NATS_URL=nats://127.0.0.1:$port AGENTIC_SYNTH_REQUIRE_NATS=1"
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
