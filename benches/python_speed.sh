#!/usr/bin/env bash
# Python against the command line on ../shared/data/reuters21578/reut2-000.sgm (1,000
# Reuters articles): whole-process wall time of `newsgraph extract` and of the Python
# package's `Pipeline(threads=2).extract_files(...)`, alternating, 3 rounds; medians and
# the ratio in out/python_speed.json. Builds the wheel and a virtual environment for it
# (target/python-bench-venv) first. Usage: benches/python_speed.sh [INPUT] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
INPUT="${1:-../shared/data/reuters21578/reut2-000.sgm}"
ROUNDS="${2:-3}"
if [ ! -f "$INPUT" ]; then
  echo "skipped: $INPUT is absent (it comes with ../shared)"
  exit 0
fi
TARGET="${CARGO_TARGET_DIR:-target}"
bash scripts/setup.sh
WHEEL=$(bash scripts/wheel.sh | tail -n 1)
VENV="$TARGET/python-bench-venv"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$WHEEL"
mkdir -p out
python3 benches/python_speed.py "$VENV/bin/python" "$TARGET/release/newsgraph" "$INPUT" 2 \
  "$ROUNDS" out/python_speed.json
