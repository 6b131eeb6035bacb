#!/usr/bin/env bash
# What the parse costs on top of NER, on ../shared/data/reuters21578/reut2-000.sgm (1,000
# articles) at 2 threads: whole-process wall time and peak RSS of `newsgraph extract` with
#   none     --parse none (NER, resolution and the rules that need no tree)
#   head     the shared encoder's parse head (--parser models/newsgraph-minilm): the parse
#            reads the states of the NER run
#   parser   the parser model with its own encoder (--parser models/newsgraph-parser-minilm)
# each under --parse relevant (the default) and, for the two parsers, --parse all;
# alternating, ROUNDS rounds, medians and the ratios to `none` in out/parse_overhead.json.
# Usage: bash benches/parse_overhead.sh [INPUT] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
INPUT="${1:-../shared/data/reuters21578/reut2-000.sgm}"
ROUNDS="${2:-3}"
if [ ! -f "$INPUT" ]; then
  echo "skipped: $INPUT is absent (it comes with ../shared)"
  exit 0
fi
[ -x target/release/newsgraph ] || bash scripts/setup.sh
mkdir -p out target/bench-parse
python3 - "$INPUT" "$ROUNDS" <<'PY'
import json, statistics, subprocess, sys
inp, rounds = sys.argv[1], int(sys.argv[2])
configs = {
    "none": ["--parse", "none"],
    "head": ["--parser", "models/newsgraph-minilm"],
    "head-all": ["--parser", "models/newsgraph-minilm", "--parse", "all"],
    "parser": ["--parser", "models/newsgraph-parser-minilm"],
    "parser-all": ["--parser", "models/newsgraph-parser-minilm", "--parse", "all"],
}
times = {k: [] for k in configs}
rss = {k: [] for k in configs}
for r in range(rounds):
    for name, extra in configs.items():
        out = f"target/bench-parse/{name}"
        subprocess.run(["rm", "-rf", out], check=True)
        cmd = ["/usr/bin/time", "-f", "%e %M", "-o", "target/bench-parse/time",
               "target/release/newsgraph", "extract", inp, "-o", out, "--threads", "2", "--no-progress", *extra]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, kb = open("target/bench-parse/time").read().split()[-2:]
        times[name].append(float(wall))
        rss[name].append(int(kb) // 1024)
        print(f"round {r + 1} {name}: {wall} s, {int(kb) // 1024} MB", flush=True)
base = statistics.median(times["none"])
result = {
    "input": inp, "threads": 2, "rounds": rounds,
    "median_s": {k: statistics.median(v) for k, v in times.items()},
    "peak_rss_mb": {k: max(v) for k, v in rss.items()},
    "overhead": {k: round(statistics.median(v) / base, 3) for k, v in times.items()},
}
json.dump(result, open("out/parse_overhead.json", "w"), indent=2)
print(json.dumps(result, indent=2))
PY
