# Shared by tools/services/*.sh: a free loopback port, the state folder, waiting, installing and stopping.
# A service's state (pid, port, data folder) lives in $AGENTIC_SYNTH_SERVICES (default: <repo>/.services/NAME).

services_root() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  echo "${AGENTIC_SYNTH_SERVICES:-$here/.services}"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ensure_installed BINARY DEBIAN_PACKAGE: install the package with apt-get when the binary is missing
# (AGENTIC_SYNTH_NO_INSTALL=1 forbids it: then a missing binary is an error).
ensure_installed() {
  local binary="$1" package="$2"
  command -v "$binary" >/dev/null 2>&1 && return 0
  if [ "${AGENTIC_SYNTH_NO_INSTALL:-0}" = 1 ]; then
    echo "services: $binary is not installed (apt-get install $package)" >&2
    return 1
  fi
  echo "services: installing $package (apt-get)" >&2
  { apt-get install -y -q "$package" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$package" >/dev/null 2>&1; }; } || {
    echo "services: could not install $package" >&2
    return 1
  }
  command -v "$binary" >/dev/null 2>&1
}

# wait_for_port PORT SECONDS: until something accepts TCP connections on 127.0.0.1:PORT.
wait_for_port() {
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# stop_service STATE_DIR: end the process whose pid is recorded there (TERM, then KILL), remove its data.
stop_service() {
  local state="$1" pid
  [ -f "$state/pid" ] || { rm -rf "$state"; return 0; }
  pid="$(cat "$state/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -rf "$state"
}

# service_command NAME URL_SCHEME LAUNCH start|stop: the start/stop every loopback service shares.
# `start` reuses a live server, else clears the state, picks a free port and a temp data folder, calls
# `LAUNCH PORT DATA STATE` (which installs and starts the server and records its pid in STATE/pid), and
# prints `export AGENTIC_SYNTH_<NAME>_URL=SCHEME://127.0.0.1:PORT AGENTIC_SYNTH_REQUIRE_<NAME>=1`.
# `stop` ends the server and removes its data folder.
service_command() {
  local name="$1" scheme="$2" launch="$3" command="${4:-}"
  local state upper port data
  state="$(services_root)/$name"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  case "$command" in
    start)
      if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
        port="$(cat "$state/port")"
      else
        rm -rf "$state" && mkdir -p "$state" || return 1
        port="$(free_port)"
        data="$(mktemp -d "${TMPDIR:-/tmp}/agentic-synth-$name.XXXXXX")"
        echo "$data" > "$state/data"
        "$launch" "$port" "$data" "$state" || return 1
        echo "$port" > "$state/port"
      fi
      echo "export AGENTIC_SYNTH_${upper}_URL=$scheme://127.0.0.1:$port AGENTIC_SYNTH_REQUIRE_${upper}=1"
      ;;
    stop)
      data="$(cat "$state/data" 2>/dev/null || true)"
      stop_service "$state"
      [ -n "$data" ] && rm -rf "$data"
      return 0
      ;;
    *)
      echo "usage: $0 start|stop" >&2
      return 2
      ;;
  esac
}
