#!/usr/bin/env bash
# The Python package tested as a user has it: builds the wheel (scripts/wheel.sh),
# installs it into a fresh virtual environment with pip, and runs python/tests/ there
# with pytest against the command line's outputs. Safe to run again: the environment is
# made anew each time (pip's cache keeps the second install quick).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
TARGET="${CARGO_TARGET_DIR:-target}"
case "$TARGET" in /*) ;; *) TARGET="$REPO/$TARGET" ;; esac

bash scripts/setup.sh
WHEEL=$(bash scripts/wheel.sh | tail -n 1)

VENV="$TARGET/python-test-venv"
rm -rf "$VENV"
python3 -m venv "$VENV"
# The wheel alone first: it must bring everything it needs (onnxruntime) by itself.
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$WHEEL"
# The README's notebook example, with the wheel alone, from an empty folder.
RUN=$(mktemp -d)
trap 'rm -rf "$RUN"' EXIT
python3 - README.md > "$RUN/notebook.py" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
start = text.index("```python", text.index("In a notebook")) + len("```python")
print(text[start:text.index("```", start)])
PY
(cd "$RUN" && "$VENV/bin/python" notebook.py && test -s out/py/graph.json && test -s out/py/report.html)
echo "test-python: the README's notebook example ran with the wheel alone"
# Then the test tools and the optional libraries the API hands graphs to, pinned.
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  $(grep -E '^(pytest|networkx|pandas)==' python/requirements-dev.txt)

# From an empty folder, so that only the installed package can be imported.
rm -rf "$RUN"/*
cd "$RUN"
NEWSGRAPH_BIN="$TARGET/release/newsgraph" "$VENV/bin/python" -m pytest -p no:cacheprovider -q \
  "$REPO/python/tests"
