#!/usr/bin/env bash
# The whole of Reuters-21578, end to end, at 1 and 2 threads: wall time,
# documents/s, model tokens/s and peak RSS, and whether both runs give
# byte-identical outputs. Only the 22 reut2-*.sgm files are read (the folder's .txt
# notes would be documents too).
#
#   bash benches/reuters.sh            # reads ../shared/data/reuters21578
#   REUTERS=/path/to/reuters21578 bash benches/reuters.sh
#
# Results go to target/bench-reuters/{1,2}-threads/ (run.json holds the timings) and a
# table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
REUTERS=${REUTERS:-../shared/data/reuters21578}
if [ ! -d "$REUTERS" ]; then
  echo "no Reuters-21578 at $REUTERS (set REUTERS=...)" >&2
  exit 1
fi
[ -x target/release/newsgraph ] || bash scripts/setup.sh
OUT=target/bench-reuters
rm -rf "$OUT"
mkdir -p "$OUT"
for threads in ${THREADS:-1 2}; do
  dir=$OUT/$threads-threads
  /usr/bin/time -f '%e %M' -o "$OUT/time-$threads" \
    target/release/newsgraph extract "$REUTERS"/reut2-*.sgm -o "$dir" --threads "$threads" --no-progress
done
python3 - "$OUT" ${THREADS:-1 2} <<'PY'
import json, sys, os, filecmp
out, threads = sys.argv[1], sys.argv[2:]
print(f"{'threads':>7} {'documents':>9} {'failed':>6} {'skipped':>7} {'wall s':>7} {'docs/s':>7} {'tokens/s':>8} {'peak RSS MB':>11}")
for t in threads:
    d = os.path.join(out, f"{t}-threads")
    s = json.load(open(os.path.join(d, "summary.json")))
    wall, rss_kb = open(os.path.join(out, f"time-{t}")).read().split()
    wall = float(wall)
    print(f"{t:>7} {s['documents_processed']:>9} {s['documents_failed']:>6} {s['documents_skipped']:>7} "
          f"{wall:>7.1f} {s['documents_processed']/wall:>7.1f} {s['model_tokens']/wall:>8.0f} {int(rss_kb)/1024:>11.0f}")
if len(threads) > 1:
    a, b = (os.path.join(out, f"{t}-threads") for t in threads[:2])
    for name in ["graph.json", "mentions.jsonl", "summary.json", "problems.jsonl"]:
        same = filecmp.cmp(os.path.join(a, name), os.path.join(b, name), shallow=False)
        print(f"{name}: {'identical' if same else 'DIFFERENT'} at {threads[0]} and {threads[1]} threads")
PY
