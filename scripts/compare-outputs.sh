#!/usr/bin/env bash
# Shows that a refactoring left newsgraph's outputs unchanged: runs extract (fixtures;
# Reuters reut2-000.sgm with --store; the same in two shards and a merge) and export with
# the release binary, and compares every file byte for byte with a recorded run (run.json
# aside: it holds timings).
#   scripts/compare-outputs.sh record DIR    # before the change
#   scripts/compare-outputs.sh compare DIR   # after it: exits 1 on any difference
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?record or compare}
recorded=${2:?directory of the recorded outputs}
shared=${NEWSGRAPH_SHARED:-../shared}
bin=target/release/newsgraph
news=$shared/fixtures/news
reuters=$shared/data/reuters21578/reut2-000.sgm
for needed in "$bin" "$news" "$reuters"; do
    [ -e "$needed" ] || { echo "missing: $needed" >&2; exit 2; }
done

case $mode in
record) out=$recorded ;;
compare) out=$(mktemp -d) ;;
*) echo "mode: record or compare" >&2; exit 2 ;;
esac
rm -rf "$out/news" "$out/reuters" "$out/shard-1" "$out/shard-2" "$out/merged" "$out/export-graph" "$out/export-store" "$out/store.db"
mkdir -p "$out"

# Exit status 3 (documents lost, reported in problems.jsonl) is an outcome to compare too.
status() { "$@" >/dev/null 2>&1 && echo 0 || echo $?; }
{
    echo "news $(status "$bin" extract "$news" -o "$out/news" --format all --no-progress)"
    echo "reuters $(status "$bin" extract "$reuters" -o "$out/reuters" --format all --store "$out/store.db" --no-progress)"
    echo "shard-1 $(status "$bin" extract "$reuters" -o "$out/shard-1" --format all --shard 1/2 --no-progress)"
    echo "shard-2 $(status "$bin" extract "$reuters" -o "$out/shard-2" --format all --shard 2/2 --no-progress)"
    echo "merged $(status "$bin" merge "$out/shard-1" "$out/shard-2" -o "$out/merged")"
    echo "export-graph $(status "$bin" export --graph "$out/news/graph.json" --format all -o "$out/export-graph")"
    echo "export-store $(status "$bin" export --store "$out/store.db" --format all -o "$out/export-store")"
} >"$out/statuses.txt"
# The store's SQLite file is compared through what it exports (above), not byte for byte.
rm -f "$out"/store.db*

if [ "$mode" = record ]; then
    echo "recorded in $out:"
    cat "$out/statuses.txt"
    exit 0
fi
if diff -r -x run.json "$recorded" "$out"; then
    echo "identical: $(find "$out" -type f ! -name run.json | wc -l) files (run.json aside)"
    rm -rf "$out"
else
    echo "DIFFERENT: recorded $recorded, now $out" >&2
    exit 1
fi
