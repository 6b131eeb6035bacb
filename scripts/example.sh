#!/usr/bin/env bash
# Sets up newsgraph, then extracts the graph of a small real archive into out/example/,
# with the HTML report, and prints what it found and the report to open: the first 200
# articles of Reuters-21578 (../shared/data/reuters21578/reut2-000.sgm), or, where
# ../shared is absent, the articles in examples/articles/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
REUTERS=../shared/data/reuters21578/reut2-000.sgm
if [ -f "$REUTERS" ]; then
  # Cut after the 200th article; the file's bytes are kept as they are (it is not all UTF-8).
  mkdir -p out/example-input
  python3 - "$REUTERS" out/example-input/reuters-200.sgm <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
end = 0
for _ in range(200):
    end = data.index(b"</REUTERS>", end) + len(b"</REUTERS>")
open(sys.argv[2], "wb").write(data[:end] + b"\n")
PY
  INPUT=out/example-input/reuters-200.sgm
  echo "example: the first 200 articles of Reuters-21578 ($REUTERS)" >&2
else
  INPUT=examples/articles
  echo "example: ../shared is absent, so the articles in $INPUT" >&2
fi
# --force: a second run replaces the first one's outputs.
./target/release/newsgraph extract "$INPUT" -o out/example --force --format html --no-progress
python3 scripts/example_summary.py out/example
