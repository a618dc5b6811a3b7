#!/usr/bin/env bash
# Type-check the package as it installs: mypy --strict on domain and application, plain mypy on the rest.
#
# The layer folders install as agentic_synth.<layer> (setuptools package-dir), a mapping mypy cannot
# follow: run on the folders, every `from agentic_synth...` import would silently become Any. So this
# builds a throw-away tree of symlinks agentic_synth/{domain,application,adapters,entrypoints} -> the
# repository's folders and checks the real package there. Errors are reported with repository paths.
# Usage: tools/typecheck.sh            (MYPY=/path/to/mypy to pick the interpreter's mypy)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MYPY="${MYPY:-mypy}"
case "$MYPY" in */*) MYPY="$(cd "$(dirname "$MYPY")" && pwd)/$(basename "$MYPY")" ;; esac  # absolute: we cd below
TREE="$(mktemp -d)"
trap 'rm -rf "$TREE"' EXIT

mkdir "$TREE/agentic_synth"
ln -s "$ROOT"/agentic_synth/*.py "$ROOT/agentic_synth/py.typed" "$TREE/agentic_synth/"
for layer in domain application adapters entrypoints; do
  ln -s "$ROOT/$layer" "$TREE/agentic_synth/$layer"
done

check() {
  (cd "$TREE" && "$MYPY" --config-file "$ROOT/pyproject.toml" --cache-dir "$ROOT/.mypy_cache/typecheck" "$@") \
    | sed -E 's#^agentic_synth/(domain|application|adapters|entrypoints)/#\1/#'
}

echo "mypy --strict: domain, application"
check --strict -p agentic_synth.domain -p agentic_synth.application
echo "mypy: the whole package"
check -p agentic_synth
echo "mypy: every adapter assigned to its port (tests/unit/test_ports.py)"
ln -s "$ROOT/tests/unit/test_ports.py" "$TREE/port_assignments.py"
check port_assignments.py
